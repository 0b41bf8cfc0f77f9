//! `pub struct Capability` (configuration, clients, serving) and `pub struct Clients` (one
//! typed client per consumed namespace): the surface users name (see the README).

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::Emitter;
use super::text::{code, doc_lines};
use naftiko_spec::RawFormat;

impl Emitter<'_> {
    pub fn capability(&self) -> TokenStream {
        let rt = &self.rt;
        let cap_doc = doc_lines(&self.capability_doc());
        let fields = self
            .cap
            .consumes
            .iter()
            .zip(&self.idents.namespaces)
            .map(|(ns, idents)| {
                let module = &idents.module;
                let docs = doc_lines(&[format!("The client of {}.", code(&ns.namespace))]);
                quote! {
                    #docs
                    pub #module: consumes::#module::Client,
                }
            });
        let inits = self
            .idents
            .namespaces
            .iter()
            .enumerate()
            .map(|(index, idents)| {
                let module = &idents.module;
                let index = Literal::u32_unsuffixed(u32::try_from(index).unwrap_or(u32::MAX));
                quote! {
                    #module: consumes::#module::Client {
                        core: ::core::clone::Clone::clone(
                            runtime.client(#rt::spec::ConsumesId(#index)),
                        ),
                    },
                }
            });
        let checks = self.feature_checks();
        let serve = self.exposes_any().then(|| {
            quote! {
                /// Serves every exposed adapter until SIGINT or SIGTERM, then shuts down
                /// gracefully. An MCP adapter with `transport: stdio` speaks on stdin and
                /// stdout (log to stderr then) and its client closing stdin stops the server.
                pub async fn serve(self) -> ::core::result::Result<(), #rt::Error> {
                    #rt::serve(self.runtime).await
                }

                /// Binds every exposed adapter's listener as [`Capability::serve`] does, without
                /// serving yet: add tower layers with `Server::layer`, then `Server::run`.
                pub async fn bind(self) -> ::core::result::Result<#rt::Server, #rt::Error> {
                    #rt::Server::bind(self.runtime).await
                }
            }
        });
        let router = self.routes_any().then(|| {
            quote! {
                /// Every REST adapter and every MCP adapter served over HTTP, each at its
                /// paths, as one axum router to merge into an application's own. What the
                /// built-in server adds around it (read and write deadlines, the connection
                /// and request-head caps, graceful shutdown) the application's server must
                /// then bring itself.
                /// Fails naming both adapters when two would route the same path.
                pub fn router(&self) -> ::core::result::Result<#rt::axum::Router, #rt::Error> {
                    #rt::router(::core::clone::Clone::clone(&self.runtime))
                }
            }
        });
        // `allow(dead_code)` on the impl and on `Clients`: a program that only serves never
        // reads the clients, one that only calls never serves.
        quote! {
            #checks

            #cap_doc
            #[derive(::core::clone::Clone, ::core::fmt::Debug)]
            pub struct Capability {
                runtime: #rt::Runtime,
                clients: Clients,
            }

            #[allow(dead_code)]
            impl Capability {
                /// Reads the configuration from the process environment. Fails naming every
                /// missing variable at once.
                pub fn from_env() -> ::core::result::Result<Capability, #rt::Error> {
                    #rt::Runtime::from_env(&SPEC).map(Capability::from_runtime)
                }

                /// Reads the configuration through `lookup` instead of the process environment
                /// (tests, or settings kept elsewhere).
                pub fn from_lookup(
                    lookup: &dyn ::core::ops::Fn(&str) -> ::core::option::Option<::std::string::String>,
                ) -> ::core::result::Result<Capability, #rt::Error> {
                    #rt::Runtime::from_lookup(&SPEC, lookup).map(Capability::from_runtime)
                }

                /// Settings given in code: base URLs and timeouts by consumed namespace,
                /// secrets, any variable by name, the HTTP client (a `reqwest::Client` with
                /// the `reqwest` feature); the environment only if `.env()` is called.
                pub fn builder() -> #rt::RuntimeBuilder<Capability> {
                    #rt::RuntimeBuilder::new(&SPEC, Capability::from_runtime)
                }

                fn from_runtime(runtime: #rt::Runtime) -> Capability {
                    let clients = Clients { #(#inits)* };
                    Capability { runtime, clients }
                }

                /// The same capability with `hooks` called around every upstream call.
                pub fn with_hooks(self, hooks: impl #rt::Hooks) -> Capability {
                    Capability::from_runtime(self.runtime.with_hooks(hooks))
                }

                /// The typed clients, one per consumed namespace.
                pub fn clients(&self) -> &Clients {
                    &self.clients
                }

                /// The runtime: configuration, secrets and the clients' connection pools.
                pub fn runtime(&self) -> &#rt::Runtime {
                    &self.runtime
                }

                /// The static description of this capability.
                pub fn spec() -> &'static #rt::spec::CapabilitySpec {
                    &SPEC
                }

                #serve

                #router
            }

            /// One typed client per consumed namespace.
            #[derive(::core::clone::Clone, ::core::fmt::Debug)]
            #[allow(dead_code)]
            pub struct Clients {
                #(#fields)*
            }

            #[allow(dead_code)]
            impl Clients {
                /// The typed clients alone, with settings given in code, as
                /// [`Capability::builder`] takes them.
                pub fn builder() -> #rt::RuntimeBuilder<Clients> {
                    #rt::RuntimeBuilder::new(&SPEC, |runtime| {
                        Capability::from_runtime(runtime).clients
                    })
                }
            }
        }
    }

    /// Whether the capability exposes an adapter, so has something to serve. One that only
    /// consumes gets no `serve` (a build with the typed client only has no server).
    fn exposes_any(&self) -> bool {
        !(self.cap.rest.is_empty() && self.cap.mcp.is_empty() && self.cap.control.is_empty())
    }

    /// Whether the capability has a REST or MCP adapter, so has routes to merge into an
    /// application (control adapters report on listeners, which an application brings).
    fn routes_any(&self) -> bool {
        !(self.cap.rest.is_empty() && self.cap.mcp.is_empty())
    }

    /// The cargo features of the runtime this capability needs, each as a check that is a
    /// compile error naming the feature when it is off: one per adapter kind it exposes, and
    /// one per non-JSON answer format it consumes when an adapter may map it (the typed
    /// clients return such answers as bytes and need no reader).
    fn feature_checks(&self) -> TokenStream {
        let rt = &self.rt;
        let cap = self.cap;
        let mut needed: Vec<&str> = Vec::new();
        for (kind, present) in [
            ("rest", !cap.rest.is_empty()),
            ("mcp", !cap.mcp.is_empty()),
            ("control", !cap.control.is_empty()),
        ] {
            if present {
                needed.push(kind);
            }
        }
        if !(cap.rest.is_empty() && cap.mcp.is_empty()) {
            let operations = cap.consumes.iter().flat_map(|ns| ns.operations.iter());
            for operation in operations {
                let reader = match operation.output_format {
                    RawFormat::Xml => "xml",
                    RawFormat::Csv | RawFormat::Tsv | RawFormat::Psv => "csv",
                    RawFormat::Html | RawFormat::HtmlTables(_) => "html",
                    RawFormat::Markdown | RawFormat::MarkdownSections(_) => "markdown",
                    RawFormat::Json
                    | RawFormat::Text
                    | RawFormat::Binary
                    | RawFormat::Yaml
                    | RawFormat::Avro
                    | RawFormat::Protobuf => continue,
                };
                if !needed.contains(&reader) {
                    needed.push(reader);
                }
            }
        }
        let checks = needed.iter().map(|feature| {
            let check = quote::format_ident!("require_{}", feature);
            quote! { #rt::__private::#check!(); }
        });
        quote! { #(#checks)* }
    }

    /// The capability's doc: what it is, then every environment variable it reads.
    fn capability_doc(&self) -> Vec<String> {
        let cap = self.cap;
        let mut lines = vec![format!("The capability {}.", code(&cap.name))];
        let description = super::text::doc_safe(&cap.description);
        if !description.is_empty() {
            lines.push(String::new());
            lines.extend(description);
        }
        lines.push(String::new());
        lines.push("Configuration, read by [`Capability::from_env`]:".to_string());
        lines.push(String::new());
        for ns in cap.consumes.iter() {
            lines.push(format!(
                "- `{0}_BASE_URL` (default `{1}`), `{0}_TIMEOUT_MS` (default {2})",
                ns.env_prefix,
                ns.base_url.replace('`', ""),
                ns.timeout_ms
            ));
        }
        for adapter in cap.rest.iter() {
            lines.push(format!(
                "- `{}_ADDR`: the REST adapter {} (default `{}`)",
                adapter.env_prefix,
                code(&adapter.namespace),
                adapter.default_addr.replace('`', "")
            ));
        }
        for adapter in cap.mcp.iter() {
            lines.push(format!(
                "- `{}_ADDR`: the MCP adapter {} (default `{}`)",
                adapter.env_prefix,
                code(&adapter.namespace),
                adapter.default_addr.replace('`', "")
            ));
        }
        for adapter in cap.control.iter() {
            lines.push(format!(
                "- `{}_ADDR`: the control adapter {} (default `{}`): health and metrics",
                adapter.env_prefix,
                code(&adapter.namespace),
                adapter.default_addr.replace('`', "")
            ));
        }
        for secret in cap.secrets.iter() {
            lines.push(match &secret.file {
                Some(file) => format!(
                    "- {}: a secret, from the file {} (a JSON object or a flat YAML mapping)",
                    code(&secret.key),
                    code(file)
                ),
                None => format!("- {}: a secret, required", code(&secret.key)),
            });
        }
        lines
    }
}
