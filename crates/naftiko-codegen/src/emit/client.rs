//! `pub mod consumes`: one module per consumed namespace, each with a typed `Client` (one
//! async method per operation) and the operations' input structs.
//!
//! A method is a thin shell over the runtime: the input struct becomes the `Inputs` map by
//! serde, the runtime's `ClientCore::call` sends the operation as `SPEC` describes it, and a JSON
//! operation's body is parsed (an empty body is `null`, as some APIs answer `200` with nothing)
//! into the operation's output struct when its `outputParameters` declare one (see
//! `outputs.rs`), read out by the operation's compiled mapping; otherwise into a
//! `serde_json::Value` as it came.

use proc_macro2::TokenStream;
use quote::quote;

use super::Emitter;
use proc_macro2::Literal;

use super::text::{code, doc, doc_lines};
use naftiko_spec::{ConsumesSpec, HttpOperation, RawFormat, path_text};

impl Emitter<'_> {
    pub fn consumes_module(&self) -> TokenStream {
        let rt = &self.rt;
        let json = quote!(#rt::serde_json);
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

                /// An input struct as the runtime's `Inputs` (field names as the spec spells them).
                fn to_inputs<T: #rt::__private::serde::Serialize>(
                    input: &T,
                ) -> ::core::result::Result<#rt::__private::Inputs, #rt::Error> {
                    match #json::to_value(input) {
                        ::core::result::Result::Ok(#json::Value::Object(inputs)) => {
                            ::core::result::Result::Ok(inputs)
                        }
                        ::core::result::Result::Ok(_) => {
                            ::core::result::Result::Ok(#rt::__private::Inputs::new())
                        }
                        ::core::result::Result::Err(error) => {
                            ::core::result::Result::Err(#rt::Error::InvalidInput {
                                field: ::std::string::String::new(),
                                message: ::std::string::ToString::to_string(&error),
                            })
                        }
                    }
                }
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
        let mut taken: std::collections::HashSet<String> = std::iter::once("Client".to_string())
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
            #client_doc
            #[derive(::core::clone::Clone, ::core::fmt::Debug)]
            pub struct Client {
                pub(in super::super) core: #rt::ClientCore,
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
        let rt = &self.rt;
        let method = &idents.method;
        let input = &idents.input;
        let (ns_index, op_index) = (
            Literal::usize_unsuffixed(at.0),
            Literal::usize_unsuffixed(at.1),
        );
        let mut lines = crate::emit::text::doc_safe(&op.description);
        if !lines.is_empty() {
            lines.push(String::new());
        }
        lines.push(format!(
            "`{} {}`",
            op.method,
            path_text(&op.path).replace('`', "")
        ));
        let docs = doc_lines(&lines);
        let operation = quote!(&super::super::SPEC.consumes[#ns_index].operations[#op_index]);
        let call = quote!(self.core.call(operation, &args).await);
        let (body_type, finish) = if op.output_format == RawFormat::Json {
            (
                output.map_or_else(|| quote!(#rt::serde_json::Value), Clone::clone),
                quote!(#rt::__private::json_body(#call?, &operation.output)),
            )
        } else {
            (quote!(#rt::bytes::Bytes), call)
        };
        quote! {
            #docs
            pub async fn #method(
                &self,
                input: #input,
            ) -> ::core::result::Result<#rt::Response<#body_type>, #rt::Error> {
                let operation = #operation;
                let args = super::to_inputs(&input)?;
                #finish
            }
        }
    }
}

fn namespace_doc(ns: &ConsumesSpec) -> TokenStream {
    if ns.description.is_empty() {
        doc_lines(&[format!("The API {}.", code(&ns.namespace))])
    } else {
        doc(&ns.description)
    }
}
