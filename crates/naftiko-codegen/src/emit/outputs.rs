//! One output struct per consumed operation whose `outputParameters` declare an object of named
//! fields (or a `Vec` of one for an answer declared as an array): what the typed client's
//! method returns, read out of the answer by the operation's compiled mapping.
//!
//! The structs are generated from the operation's output schema (`HttpOperation::output_schema`,
//! the same JSON Schema the resolver computed from the spec), so the Rust type and the schema
//! cannot disagree: a field that may be `null` is `Option<T>`, numbers, booleans and arrays are
//! as declared, a nested object with `properties` is a struct of its own, and a field the spec
//! leaves open (`type: object` with no properties, no type) is `serde_json::Value`.
//!
//! Types are written with the names of the namespace module's prelude (see `client.rs`).

use std::collections::HashSet;

use proc_macro2::{Ident, TokenStream};
use quote::quote;
use serde_json::Value as Json;

use super::Emitter;
use super::text::{code, doc_lines, doc_safe, ident, lit};
use crate::names::{camel_ident, snake_ident};

impl Emitter<'_> {
    /// The output type of an operation: its struct (`<Method>Output`), or for an answer
    /// declared as one array, a `Vec` of its item struct (`<Method>OutputItem`); with the
    /// structs of nested objects (`<Method>Output<Field>…`), each made unique among `taken`
    /// (the module's other type names) with a number. `None` when the schema declares neither.
    pub fn output_type(
        &self,
        schema_text: &str,
        method: &Ident,
        taken: &mut HashSet<String>,
    ) -> Option<(TokenStream, TokenStream)> {
        let schema = crate::json::parse(schema_text)?;
        let base = format!("{}Output", camel_ident(&method.to_string()));
        let mut structs = Vec::new();
        let ty = match main_type(&schema) {
            Some("object") if has_properties(&schema) => {
                let header = vec![format!(
                    "Output of [`Client::{method}`]: what the spec's `outputParameters` read out of the answer."
                )];
                let root = self.object_struct(&base, &schema, header, taken, &mut structs);
                quote!(#root)
            }
            Some("array") => {
                let ty = self.schema_type(&base, &schema, taken, &mut structs);
                if may_be_null(&schema) {
                    quote!(Option<#ty>)
                } else {
                    ty
                }
            }
            _ => return None,
        };
        Some((ty, quote!(#(#structs)*)))
    }

    fn object_struct(
        &self,
        wanted: &str,
        schema: &Json,
        mut docs: Vec<String>,
        taken: &mut HashSet<String>,
        structs: &mut Vec<TokenStream>,
    ) -> Ident {
        let serde_crate = lit(&format!("{}::__private::serde", self.rt_text));
        let name = unique(wanted, taken);
        if let Some(description) = schema["description"].as_str() {
            docs.push(String::new());
            docs.extend(doc_safe(description));
        }
        let mut field_names = HashSet::new();
        let mut fields = Vec::new();
        if let Some(properties) = schema["properties"].as_object() {
            for (spec_name, field_schema) in properties {
                let field = unique(&snake_ident(spec_name), &mut field_names);
                let nested = format!("{name}{}", camel_ident(spec_name));
                let mut ty = self.schema_type(&nested, field_schema, taken, structs);
                if may_be_null(field_schema) {
                    ty = quote!(Option<#ty>);
                }
                let mut lines = field_schema["description"]
                    .as_str()
                    .map(doc_safe)
                    .unwrap_or_default();
                if !lines.is_empty() {
                    lines.push(String::new());
                }
                lines.push(format!("The output {}.", code(spec_name)));
                let field_docs = doc_lines(&lines);
                let rename = if field != *spec_name {
                    let spec_name = lit(spec_name);
                    quote!(#[serde(rename = #spec_name)])
                } else {
                    quote!()
                };
                let field = ident(&field);
                fields.push(quote! {
                    #field_docs
                    #rename
                    pub #field: #ty,
                });
            }
        }
        let docs = doc_lines(&docs);
        let ident = ident(&name);
        structs.push(quote! {
            #docs
            #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
            #[serde(crate = #serde_crate)]
            pub struct #ident {
                #(#fields)*
            }
        });
        ident
    }

    /// The Rust type of a value of `schema` (without the `Option` for `null`).
    fn schema_type(
        &self,
        nested: &str,
        schema: &Json,
        taken: &mut HashSet<String>,
        structs: &mut Vec<TokenStream>,
    ) -> TokenStream {
        match main_type(schema) {
            Some("string") => quote!(String),
            Some("integer") => quote!(i64),
            Some("number") => quote!(f64),
            Some("boolean") => quote!(bool),
            Some("array") => {
                let item =
                    self.schema_type(&format!("{nested}Item"), &schema["items"], taken, structs);
                let item = if may_be_null(&schema["items"]) {
                    quote!(Option<#item>)
                } else {
                    item
                };
                quote!(Vec<#item>)
            }
            Some("object") if has_properties(schema) => {
                let ident = self.object_struct(nested, schema, Vec::new(), taken, structs);
                quote!(#ident)
            }
            _ => quote!(Value),
        }
    }
}

fn has_properties(schema: &Json) -> bool {
    schema["properties"]
        .as_object()
        .is_some_and(|p| !p.is_empty())
}

/// The declared type other than `null`; `None` for a schema that leaves it open (or a `const`).
fn main_type(schema: &Json) -> Option<&str> {
    match &schema["type"] {
        Json::String(ty) => Some(ty),
        Json::Array(types) => types.iter().filter_map(Json::as_str).find(|t| *t != "null"),
        _ => None,
    }
}

/// Whether the schema admits `null` for a typed value (an open schema is a
/// `serde_json::Value`, which holds `null` itself).
fn may_be_null(schema: &Json) -> bool {
    main_type(schema).is_some()
        && matches!(&schema["type"], Json::Array(types) if types.iter().any(|t| t == "null"))
}

/// `wanted`, or `wanted` with the first number from 2 that makes it unused; then taken.
fn unique(wanted: &str, taken: &mut HashSet<String>) -> String {
    let mut name = wanted.to_string();
    let mut n = 2;
    while taken.contains(&name) {
        name = format!("{wanted}{n}");
        n += 1;
    }
    taken.insert(name.clone());
    name
}
