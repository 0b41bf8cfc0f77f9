//! Generates the seed's code into `OUT_DIR` (included by `src/lib.rs` as `from_build_rs`), the
//! same code the `capability!` macro expands to in `from_macro`.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    naftiko_codegen::configure().compile("inngest-runs.yaml")?;
    Ok(())
}
