//! What the `capability!` macro tells its user, in real compiles (`ui/*.stderr`): a broken spec
//! is a compile error that names the spec's `file:line:column`, the stable code and the fix;
//! each warning of a spec is a compiler warning naming the same (the `warnings-*` and
//! `partial-*` cases deny them, so that they show); `allow` silences exactly the codes it
//! names and refuses a code that is no warning's; `allow_partial` turns a spec refused for
//! broken routes into one that generates without them, one warning each.
//!
//! After an intended change of a message: `TRYBUILD=overwrite cargo test -p naftiko-tests --test ui`.

#[test]
fn broken_specs_are_located_compile_errors() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("ui/*.rs");
}
