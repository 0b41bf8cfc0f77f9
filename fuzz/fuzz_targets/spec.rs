//! Spec bytes through the whole code generator: load, normalize, resolve, emit, format.
//! Whatever the bytes, the generator ends with code or with diagnostics, never a panic, and
//! every diagnostic points into the file (a line) unless it is about the file as a whole.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let path = Path::new("fuzz/spec.yaml");
    let checked = naftiko_codegen::check_bytes(data, path, "spec.yaml");
    for diagnostic in checked.diagnostics.iter() {
        assert!(
            diagnostic.line > 0 || diagnostic.code.starts_with("file-"),
            "unlocated diagnostic: {diagnostic:?}"
        );
    }
    if let Some(capability) = &checked.capability {
        let _ = naftiko_codegen::explain(capability, &checked.provenance);
    }
    let _ = naftiko_codegen::Generator::new().generate_bytes(data, path, "spec.yaml");
});
