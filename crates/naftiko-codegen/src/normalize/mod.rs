//! Stage 2: the YAML tree of any dialect → one typed [`model::Spec`](crate::model::Spec).
//!
//! Walks the tree by hand so that every wrong type, unknown key and dialect spelling is reported
//! with its location while the rest of the spec is still read. List and name-keyed map forms
//! (ikanos) are read alike; imports are resolved relative to the importing file.

mod adapters;
mod auth;
mod binds;
mod consumes;
mod fields;
mod imports;
mod observability;
mod targets;

use std::path::Path;

use crate::diag::{Diagnostics, Severity};
use crate::load::Node;
use crate::model::{Dialect, Spec};
use crate::source::{FileId, SourceMap};

pub(crate) use fields::suggest;

/// What the normalizer needs: where diagnostics go and how to read imported files.
pub(crate) struct Ctx<'a> {
    pub sources: &'a mut SourceMap,
    pub diags: &'a mut Diagnostics,
    pub dialect: Dialect,
    /// Files being imported right now (cycle detection).
    pub import_stack: Vec<std::path::PathBuf>,
}

impl Ctx<'_> {
    pub fn error(
        &mut self,
        code: &'static str,
        node: &Node,
        message: impl Into<String>,
    ) -> crate::diag::Builder<'_> {
        self.diags.at_loc(
            Severity::Error,
            code,
            &node.loc,
            &node.path,
            self.sources,
            message,
        )
    }

    pub fn warn(
        &mut self,
        code: &'static str,
        node: &Node,
        message: impl Into<String>,
    ) -> crate::diag::Builder<'_> {
        self.diags.at_loc(
            Severity::Warning,
            code,
            &node.loc,
            &node.path,
            self.sources,
            message,
        )
    }
}

/// Normalizes the document `root` read from `file`.
pub fn normalize(
    root: &Node,
    file: FileId,
    sources: &mut SourceMap,
    diags: &mut Diagnostics,
) -> Spec {
    let start = sources
        .path(file)
        .map(Path::to_path_buf)
        .unwrap_or_default();
    let mut ctx = Ctx {
        sources,
        diags,
        dialect: Dialect::Unknown,
        import_stack: vec![start],
    };
    let mut spec = Spec {
        span: fields::span(root),
        ..Spec::default()
    };
    if root.as_map().is_none() {
        ctx.error(
            "wrong-type",
            root,
            format!("a capability spec is a mapping, found {}", root.kind_name()),
        )
        .help(
            "a capability spec starts with `naftiko: 1.0.0-alpha2` and has a `capability:` section",
        );
        return spec;
    }
    ctx.dialect = dialect(&mut ctx, root);
    top_level(&mut ctx, root, &mut spec);
    let capability = root.get("capability");
    let top_consumes = root.get("consumes");
    match (capability, top_consumes) {
        (Some(cap), _) if cap.as_map().is_some() => {
            capability_section(&mut ctx, root, cap, file, &mut spec);
        }
        (Some(cap), _) => {
            ctx.error(
                "wrong-type",
                cap,
                format!("`capability` must be a mapping, found {}", cap.kind_name()),
            );
        }
        (None, Some(consumes)) => {
            // A consumes-only fragment, meant to be imported by other specs.
            spec.consumes = consumes::consumes_list(&mut ctx, consumes, file);
        }
        (None, None)
            if root.get("exposes").is_some()
                || root.get("aggregates").is_some()
                || root.get("binds").is_some() =>
        {
            // An ikanos fragment of adapters, aggregates or binds (read by `top_level`),
            // meant to be imported by other specs.
            if let Some(aggregates) = root.get("aggregates") {
                spec.aggregates = adapters::aggregates(&mut ctx, aggregates);
            }
            if let Some(exposes) = root.get("exposes") {
                spec.exposes = adapters::exposes(&mut ctx, exposes);
            }
        }
        (None, None) => {
            ctx.error("missing-key", root, "the spec has no `capability` section")
                .help("add `capability:` with `consumes:` and `exposes:`");
        }
    }
    spec
}

/// The root keys besides the dialect and the capability: `info` and top-level `binds`.
fn top_level(ctx: &mut Ctx<'_>, root: &Node, spec: &mut Spec) {
    fields::check_keys(
        ctx,
        root,
        "",
        &[
            "naftiko",
            "ikanos",
            "info",
            "binds",
            "capability",
            "consumes",
            "exposes",
            "aggregates",
            "imports",
            "externalRefs",
        ],
        &[],
    );
    if let Some(info) = root.get("info") {
        fields::check_keys(
            ctx,
            info,
            "info",
            &["label", "display", "title", "name", "description"],
            &[],
        );
        spec.label = fields::opt_string(ctx, info, &["label", "display", "title", "name"]);
        spec.description = fields::opt_string(ctx, info, &["description"]);
    }
    if let Some(binds) = root.get("binds") {
        spec.binds = binds::binds(ctx, binds);
    }
}

/// The `capability` mapping: binds, consumed namespaces (with the root's legacy `imports`),
/// aggregates and exposed adapters.
fn capability_section(ctx: &mut Ctx<'_>, root: &Node, cap: &Node, file: FileId, spec: &mut Spec) {
    fields::check_keys(
        ctx,
        cap,
        "",
        &["consumes", "exposes", "aggregates", "binds"],
        &[
            ("imports", "top-level `imports`"),
            ("tools", "`exposes[].tools`"),
            ("workflow", "`steps`"),
        ],
    );
    if let Some(binds) = cap.get("binds") {
        let more = binds::binds(ctx, binds);
        spec.binds.extend(more);
    }
    if let Some(consumes) = cap.get("consumes") {
        spec.consumes = consumes::consumes_list(ctx, consumes, file);
    }
    if let Some(imports) = root.get("imports") {
        let more = imports::legacy_imports(ctx, imports, file);
        spec.consumes.extend(more);
    }
    if let Some(aggregates) = cap.get("aggregates") {
        spec.aggregates = adapters::aggregates(ctx, aggregates);
    }
    if let Some(exposes) = cap.get("exposes") {
        spec.exposes = adapters::exposes(ctx, exposes);
    }
}

fn dialect(ctx: &mut Ctx<'_>, root: &Node) -> Dialect {
    let (key, node) = match (root.get("naftiko"), root.get("ikanos")) {
        (Some(n), _) => ("naftiko", n),
        (None, Some(n)) => ("ikanos", n),
        (None, None) => {
            ctx.warn(
                "missing-version",
                root,
                "the spec names no version (`naftiko: 1.0.0-alpha2`)",
            )
            .help("add `naftiko: 1.0.0-alpha3` as the first line; read as alpha3 for now");
            return Dialect::Unknown;
        }
    };
    let version = node
        .as_str()
        .unwrap_or_default()
        .trim()
        .trim_start_matches('v');
    match (key, version) {
        ("naftiko", "1.0.0-alpha1") => Dialect::Alpha1,
        ("naftiko", "1.0.0-alpha2") => Dialect::Alpha2,
        ("naftiko", "1.0.0-alpha3") => Dialect::Alpha3,
        ("ikanos", v) if v.starts_with("1.0.0-beta") => Dialect::IkanosBeta5,
        _ => {
            ctx.warn(
                "unknown-version",
                node,
                format!("unknown {key} version `{version}`"),
            )
            .help("known versions: naftiko 1.0.0-alpha1, -alpha2, -alpha3 and ikanos 1.0.0-beta5");
            if key == "ikanos" {
                Dialect::IkanosBeta5
            } else {
                Dialect::Unknown
            }
        }
    }
}
