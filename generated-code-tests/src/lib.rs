//! Integration tests of naftiko-rs. The library itself is a test: it compiles, under
//! `#![deny(warnings)]`, every golden of `goldens/` and the same specs as the `capability!`
//! macro and `build.rs` generate them, so generated code that warns or does not compile fails
//! the build. The macro shows each warning of a spec as a compiler warning, so each invocation
//! allows exactly the warnings its spec is known to have. The tests in `tests/` compare them byte for byte and value for value.
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
    pub mod signed_upstreams {
        include!("../goldens/signed-upstreams.rs");
    }
    pub mod typed_outputs {
        include!("../goldens/typed-outputs.rs");
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
    pub mod partial {
        naftiko::include_capability!("partial");
    }
    pub mod path_shapes {
        naftiko::include_capability!("path-shapes");
    }
    pub mod signed_upstreams {
        naftiko::include_capability!("signed-upstreams");
    }
}

/// The specs through the `capability!` macro.
pub mod from_macro {
    pub mod inngest_runs {
        naftiko::capability!(
            "../generated-example/inngest-runs.yaml",
            allow = ["case-folded-name", "inferred-input"]
        );
    }
    pub mod auth_locations {
        naftiko::capability!("fixtures/auth-locations.yaml");
    }
    pub mod cursed_names {
        naftiko::capability!(
            "fixtures/cursed-names.yaml",
            allow = ["inferred-input", "renamed-identifier"]
        );
    }
    pub mod bodies_outputs {
        naftiko::capability!("fixtures/bodies-outputs.yaml");
    }
    pub mod forward_control {
        naftiko::capability!(
            "fixtures/forward-control.yaml",
            allow = ["trusted-header-ignored"]
        );
    }
    pub mod path_shapes {
        naftiko::capability!("fixtures/path-shapes.yaml", allow = ["no-base-uri"]);
    }
    pub mod signed_upstreams {
        naftiko::capability!("fixtures/signed-upstreams.yaml");
    }
}

/// A spec with broken routes and a broken tool, generated without them.
pub mod partial_from_macro {
    naftiko::capability!(
        "fixtures/partial.yaml",
        allow_partial = true,
        allow = ["left-out"]
    );
}

/// Generated code that reaches the runtime as `::naftiko_runtime` instead of the facade.
pub mod runtime_path {
    naftiko::capability!("fixtures/bodies-outputs.yaml", runtime = ::naftiko_runtime);
}
