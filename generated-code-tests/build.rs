//! Generates every spec the tests compile into `OUT_DIR`, the way users' build scripts do
//! (`naftiko_codegen::configure()`); `src/lib.rs` includes the results.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    for spec in [
        "../generated-example/inngest-runs.yaml",
        "fixtures/auth-locations.yaml",
        "fixtures/cursed-names.yaml",
        "fixtures/bodies-outputs.yaml",
        "fixtures/forward-control.yaml",
        "fixtures/path-shapes.yaml",
    ] {
        naftiko_codegen::configure().compile(spec)?;
    }
    Ok(())
}
