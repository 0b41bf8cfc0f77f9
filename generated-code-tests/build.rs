//! Generates every spec the tests compile into `OUT_DIR`, the way users' build scripts do
//! (`naftiko_codegen::configure()`); `src/lib.rs` includes the results.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Each spec with the warnings it is known to have, accepted so that a new one shows.
    for (spec, allow) in [
        (
            "../generated-example/inngest-runs.yaml",
            &["case-folded-name", "inferred-input"][..],
        ),
        ("fixtures/auth-locations.yaml", &[]),
        (
            "fixtures/cursed-names.yaml",
            &["inferred-input", "renamed-identifier"],
        ),
        ("fixtures/bodies-outputs.yaml", &[]),
        ("fixtures/forward-control.yaml", &["trusted-header-ignored"]),
        ("fixtures/path-shapes.yaml", &["no-base-uri"]),
        ("fixtures/signed-upstreams.yaml", &[]),
        ("fixtures/typed-outputs.yaml", &[]),
    ] {
        allow
            .iter()
            .fold(naftiko_codegen::configure(), |builder, code| {
                builder.allow(*code)
            })
            .compile(spec)?;
    }
    // Generated with its broken routes and tool left out; `left-out` is what it is about.
    naftiko_codegen::configure()
        .allow_partial(true)
        .allow("left-out")
        .compile("fixtures/partial.yaml")?;
    Ok(())
}
