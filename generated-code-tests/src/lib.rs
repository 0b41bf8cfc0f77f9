//! Integration tests of naftiko-rs. The library itself is a test: it compiles, under
//! `#![deny(warnings)]`, every golden of `goldens/` and the same specs as the `capability!`
//! macro and `build.rs` generate them, so generated code that warns or does not compile fails
//! the build. The tests in `tests/` compare them byte for byte and value for value.
#![deny(warnings)]

/// The goldens of `goldens/`, as checked in.
pub mod goldens {
    pub mod inngest_runs {
        include!("../goldens/inngest-runs.rs");
    }
    pub mod auth_locations {
        include!("../goldens/auth-locations.rs");
    }
    pub mod cursed_names {
        include!("../goldens/cursed-names.rs");
    }
    pub mod bodies_outputs {
        include!("../goldens/bodies-outputs.rs");
    }
    pub mod forward_control {
        include!("../goldens/forward-control.rs");
    }
    pub mod path_shapes {
        include!("../goldens/path-shapes.rs");
    }
}

/// The specs as `build.rs` (`naftiko_codegen::configure()`) generated them into `OUT_DIR`.
pub mod from_build_rs {
    pub mod inngest_runs {
        naftiko::include_capability!("inngest-runs");
    }
    pub mod auth_locations {
        naftiko::include_capability!("auth-locations");
    }
    pub mod cursed_names {
        naftiko::include_capability!("cursed-names");
    }
    pub mod bodies_outputs {
        naftiko::include_capability!("bodies-outputs");
    }
    pub mod forward_control {
        naftiko::include_capability!("forward-control");
    }
    pub mod path_shapes {
        naftiko::include_capability!("path-shapes");
    }
}

/// The specs through the `capability!` macro.
pub mod from_macro {
    pub mod inngest_runs {
        naftiko::capability!("../generated-example/inngest-runs.yaml");
    }
    pub mod auth_locations {
        naftiko::capability!("fixtures/auth-locations.yaml");
    }
    pub mod cursed_names {
        naftiko::capability!("fixtures/cursed-names.yaml");
    }
    pub mod bodies_outputs {
        naftiko::capability!("fixtures/bodies-outputs.yaml");
    }
    pub mod forward_control {
        naftiko::capability!("fixtures/forward-control.yaml");
    }
    pub mod path_shapes {
        naftiko::capability!("fixtures/path-shapes.yaml");
    }
}

/// Generated code that reaches the runtime as `::naftiko_runtime` instead of the facade.
pub mod runtime_path {
    naftiko::capability!("fixtures/bodies-outputs.yaml", runtime = ::naftiko_runtime);
}
