//! One input struct per consumed operation: what a caller of the typed client passes.
//!
//! Fields are the operation's inputs that the spec does not fix, named in snake case, in the
//! spec's order; the client method hands each to the runtime under the spec's name. The struct
//! serializes with those names too (`#[serde(rename)]`), optional inputs (`Option<T>`) left out
//! when `None`, for callers who log or forward an input. A struct with a required field has no `Default`: a caller who leaves a required
//! input out gets a compile error, not an upstream's 400. Inputs are only ever written by the
//! caller, so they serialize and do not deserialize.

use proc_macro2::TokenStream;
use quote::quote;

use super::idents::OperationIdents;
use super::text::{code, doc_lines, doc_safe, lit};
use super::{Emitter, describe_location};
use naftiko_spec::{HttpOperation, OperationInput, ValueType, path_text};

impl Emitter<'_> {
    pub fn input_struct(&self, op: &HttpOperation, idents: &OperationIdents) -> TokenStream {
        let serde_crate = lit(&format!("{}::__private::serde", self.rt_text));
        let name = &idents.input;
        let method = &idents.method;
        let mut header = vec![format!(
            "Input of [`Client::{method}`]: `{} {}`.",
            op.method,
            path_text(&op.path).replace('`', "")
        )];
        let fixed: Vec<String> = op
            .inputs
            .iter()
            .filter(|i| i.fixed.is_some())
            .map(|i| code(&i.name))
            .collect();
        if !fixed.is_empty() {
            header.push(String::new());
            header.push(format!(
                "The spec fixes {}; callers cannot set {}.",
                fixed.join(", "),
                if fixed.len() == 1 { "it" } else { "them" }
            ));
        }
        let header = doc_lines(&header);
        let fields = op
            .inputs
            .iter()
            .zip(&idents.fields)
            .filter_map(|(input, field)| field.as_ref().map(|field| (input, field)))
            .map(|(input, field)| {
                let docs = field_doc(input);
                let ty = self.field_type(input);
                let mut serde_args = Vec::new();
                if *field != input.name {
                    let rename = lit(&input.name);
                    serde_args.push(quote!(rename = #rename));
                }
                if !input.required {
                    serde_args.push(quote!(skip_serializing_if = "Option::is_none"));
                }
                let serde_attr = if serde_args.is_empty() {
                    quote!()
                } else {
                    quote!(#[serde(#(#serde_args),*)])
                };
                quote! {
                    #docs
                    #serde_attr
                    pub #field: #ty,
                }
            });
        // `Default` only where it builds a valid input: every field optional.
        let default = if op
            .inputs
            .iter()
            .zip(&idents.fields)
            .any(|(input, field)| field.is_some() && input.required)
        {
            quote!()
        } else {
            quote!(Default,)
        };
        quote! {
            #header
            #[derive(Debug, Clone, #default PartialEq, Serialize)]
            #[serde(crate = #serde_crate)]
            pub struct #name {
                #(#fields)*
            }
        }
    }

    fn field_type(&self, input: &OperationInput) -> TokenStream {
        // Names from the module's prelude (see `client.rs`).
        let ty = match input.ty {
            ValueType::String => quote!(String),
            ValueType::Number => quote!(f64),
            ValueType::Integer => quote!(i64),
            ValueType::Boolean => quote!(bool),
            ValueType::Object | ValueType::Array | ValueType::Any => quote!(Value),
        };
        if input.required {
            ty
        } else {
            quote!(Option<#ty>)
        }
    }
}

/// The input's description, then where it goes on the wire.
fn field_doc(input: &OperationInput) -> TokenStream {
    let mut lines = doc_safe(&input.description);
    let wire = match input.location {
        Some(location) => format!(
            "Sent as {} {}.",
            describe_location(location),
            code(&input.wire_name)
        ),
        None => "Used by the request's templates.".to_string(),
    };
    if !lines.is_empty() {
        lines.push(String::new());
    }
    lines.push(wire);
    doc_lines(&lines)
}
