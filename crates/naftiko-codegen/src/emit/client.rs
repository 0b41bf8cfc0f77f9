//! `pub mod consumes`: one module per consumed namespace, each with a typed `Client` (one
//! async method per operation) and the operations' input structs.
//!
//! A method reads as the request it sends: the runtime's `Call` with the HTTP method and path
//! template, then each field of the input struct under the name of where the spec puts it
//! (`.path("runId", input.run_id)`, `.query(…)`, `.header(…)`, …), in the operation's order.
//! `Call` sends the operation as `SPEC` describes it, through the same `ClientCore::call` the
//! adapters use, and a JSON operation's body is parsed (an empty body is `null`, as some APIs
//! answer `200` with nothing) into the operation's output struct when its `outputParameters`
//! declare one (see `outputs.rs`), read out by the operation's compiled mapping; otherwise into
//! a `serde_json::Value` as it came.
//!
//! Each namespace module starts with `use <runtime>::__private::prelude::*`, so its code names
//! `Result`, `String`, `Value`, `Response`, … briefly: the module holds only generated types,
//! and none of their names can be one of the prelude's.

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

use super::Emitter;
use super::text::{code, doc, doc_lines, lit};
use naftiko_spec::{ConsumesSpec, HttpOperation, ParamLocation, RawFormat, path_text};

impl Emitter<'_> {
    pub fn consumes_module(&self) -> TokenStream {
        let modules = self
            .cap
            .consumes
            .iter()
            .zip(&self.idents.namespaces)
            .enumerate()
            .map(|(index, (ns, idents))| {
                let module = &idents.module;
                let body = self.namespace_module(index, ns, idents);
                let docs = namespace_doc(ns);
                quote! {
                    #docs
                    pub mod #module {
                        #body
                    }
                }
            });
        // `allow(dead_code)`: a program calls the operations it needs; the others are not
        // dead code its author could remove.
        quote! {
            /// Typed clients of the APIs this capability consumes, one module per namespace.
            #[allow(dead_code)]
            pub mod consumes {
                #(#modules)*
            }
        }
    }

    fn namespace_module(
        &self,
        ns_index: usize,
        ns: &ConsumesSpec,
        idents: &super::idents::NamespaceIdents,
    ) -> TokenStream {
        let rt = &self.rt;
        let mut structs = Vec::new();
        let mut methods = Vec::new();
        // Output struct names are made unique among every type name of the module.
        // The prelude's names are taken too, so that no struct can shadow one (input names end
        // in `Input…` and output names hold `Output`, so none would anyway).
        let mut taken: std::collections::HashSet<String> = std::iter::once("Client")
            .chain(PRELUDE.iter().copied())
            .map(str::to_string)
            .chain(idents.operations.iter().map(|op| op.input.to_string()))
            .collect();
        let operations = ns.operations.iter().zip(&idents.operations);
        for (op_index, (op, op_idents)) in operations.enumerate() {
            structs.push(self.input_struct(op, op_idents));
            let output = match (&op.output_format, op.output_schema.as_deref()) {
                (RawFormat::Json, Some(schema)) => {
                    self.output_type(schema, &op_idents.method, &mut taken)
                }
                _ => None,
            };
            let output_type = output.map(|(name, tokens)| {
                structs.push(tokens);
                name
            });
            methods.push(self.client_method(
                (ns_index, op_index),
                op,
                op_idents,
                output_type.as_ref(),
            ));
        }
        let client_doc = doc_lines(&[
            format!("The client of {}.", code(&ns.namespace)),
            String::new(),
            format!(
                "Get it from `Capability::clients()`; it calls `{}` or `{}_BASE_URL` when set.",
                ns.base_url.replace('`', ""),
                ns.env_prefix
            ),
        ]);
        quote! {
            use #rt::__private::prelude::*;

            #client_doc
            #[derive(Clone, Debug)]
            pub struct Client {
                pub(in super::super) core: ClientCore,
            }

            impl Client {
                #(#methods)*
            }

            #(#structs)*
        }
    }

    /// `at`: the operation's namespace and its position there, in `SPEC`; `output`: the
    /// operation's output struct, when it has one.
    fn client_method(
        &self,
        at: (usize, usize),
        op: &HttpOperation,
        idents: &super::idents::OperationIdents,
        output: Option<&TokenStream>,
    ) -> TokenStream {
        let method = &idents.method;
        let input = &idents.input;
        let (ns_index, op_index) = (
            Literal::usize_unsuffixed(at.0),
            Literal::usize_unsuffixed(at.1),
        );
        let path = path_text(&op.path);
        let mut lines = crate::emit::text::doc_safe(&op.description);
        if !lines.is_empty() {
            lines.push(String::new());
        }
        lines.push(format!("`{} {}`", op.method, path.replace('`', "")));
        let docs = doc_lines(&lines);
        // Each field the caller sets, in the operation's order, by where the spec puts it.
        let setters: Vec<TokenStream> = op
            .inputs
            .iter()
            .zip(&idents.fields)
            .filter_map(|(op_input, field)| field.as_ref().map(|field| (op_input, field)))
            .map(|(op_input, field)| {
                let setter = format_ident!("{}", setter(op_input.location));
                let name = lit(&op_input.name);
                quote!(.#setter(#name, input.#field))
            })
            .collect();
        // An input without fields is taken apart, so that it is used.
        let unpack = if setters.is_empty() {
            quote!(let #input {} = input;)
        } else {
            quote!()
        };
        let (http_method, path) = (lit(&op.method), lit(&path));
        let (body_type, send) = if op.output_format == RawFormat::Json {
            (
                output.map_or_else(|| quote!(Value), Clone::clone),
                quote!(json),
            )
        } else {
            (quote!(Bytes), quote!(send))
        };
        quote! {
            #docs
            pub async fn #method(&self, input: #input) -> Result<Response<#body_type>, Error> {
                let operation = &super::super::SPEC.consumes[#ns_index].operations[#op_index];
                #unpack
                Call::new(&self.core, operation, #http_method, #path)
                    #(#setters)*
                    .#send()
                    .await
            }
        }
    }
}

/// The names `use …::__private::prelude::*` brings into each namespace module.
const PRELUDE: &[&str] = &[
    "Call",
    "ClientCore",
    "Error",
    "Response",
    "Bytes",
    "Clone",
    "PartialEq",
    "Default",
    "Debug",
    "Option",
    "Result",
    "Deserialize",
    "Serialize",
    "Value",
    "String",
    "Vec",
];

/// The `Call` setter that names where the spec puts an input.
fn setter(location: Option<ParamLocation>) -> &'static str {
    match location {
        Some(ParamLocation::Path) => "path",
        Some(ParamLocation::Query) => "query",
        Some(ParamLocation::Header) => "header",
        Some(ParamLocation::Cookie) => "cookie",
        Some(ParamLocation::Body) => "body",
        None => "template",
    }
}

fn namespace_doc(ns: &ConsumesSpec) -> TokenStream {
    if ns.description.is_empty() {
        doc_lines(&[format!("The API {}.", code(&ns.namespace))])
    } else {
        doc(&ns.description)
    }
}
