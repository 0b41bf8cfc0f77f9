//! Compile-fail cases: a broken spec is a compile error that names the spec's
//! `file:line:column`, the stable code and the fix. One error per case (`ui/*.stderr`).
//!
//! After an intended change of a message: `TRYBUILD=overwrite cargo test -p naftiko-tests --test ui`.

#[test]
fn broken_specs_are_located_compile_errors() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("ui/*.rs");
}
