//! The parts of the tables that nest: handlers, steps, outputs, mappings and values.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::Emitter;
use super::tables::value_type;
use super::text::{canonical_json, lit};
use crate::ir::{Arg, Handler, Mapping, OpRef, Output, PathSegment, Step, TemplatePart, Value};

impl Emitter<'_> {
    pub(super) fn handler(&self, handler: &Handler) -> TokenStream {
        let spec = &self.spec;
        match handler {
            Handler::Call { op, args, output } => {
                let operation = self.operation_ref(*op);
                let args = self.args(args);
                let output = self.output(output);
                quote! {
                    #spec::Handler::Call {
                        operation: #operation,
                        args: #args,
                        output: #output,
                    }
                }
            }
            Handler::Steps { steps, output } => {
                let steps = steps.iter().map(|s| self.step(s));
                let output = self.output(output);
                quote!(#spec::Handler::Steps { steps: &[#(#steps),*], output: #output })
            }
            Handler::Static { body, content_type } => {
                let body = lit(&static_body(body, content_type));
                let content_type = lit(content_type);
                quote!(#spec::Handler::Static { body: #body, content_type: #content_type })
            }
        }
    }

    fn step(&self, step: &Step) -> TokenStream {
        let spec = &self.spec;
        match step {
            Step::Call { name, op, args } => {
                let name = lit(name);
                let operation = self.operation_ref(*op);
                let args = self.args(args);
                quote!(#spec::Step::Call { name: #name, operation: #operation, args: #args })
            }
            Step::Lookup {
                name,
                index,
                match_field,
                lookup_value,
                fields,
            } => {
                let name = lit(name);
                let index = lit(index);
                let match_field = lit(match_field);
                let lookup_value = self.value(lookup_value);
                let fields = fields.iter().map(|f| lit(f));
                quote! {
                    #spec::Step::Lookup {
                        name: #name,
                        index: #index,
                        match_field: #match_field,
                        lookup_value: #lookup_value,
                        fields: &[#(#fields),*],
                    }
                }
            }
        }
    }

    /// `&<NS>_<OP>`. A reference the IR cannot have (an index out of range) would be a bug of
    /// the resolver; it becomes a `compile_error!` rather than a panic here.
    fn operation_ref(&self, op: OpRef) -> TokenStream {
        match self.table_ident(op) {
            Some(table) => quote!(&#table),
            None => quote!(::core::compile_error!(
                "naftiko-codegen: internal error: a handler calls an operation that does not exist"
            )),
        }
    }

    fn args(&self, args: &[Arg]) -> TokenStream {
        let args = args.iter().map(|arg| {
            let input = lit(&arg.input);
            let value = self.value(&arg.value);
            quote!((#input, #value))
        });
        quote!(&[#(#args),*])
    }

    fn output(&self, output: &Output) -> TokenStream {
        let spec = &self.spec;
        match output {
            Output::Passthrough => quote!(#spec::Output::Passthrough),
            Output::Mapped(mapping) => {
                let mapping = self.mapping(mapping);
                quote!(#spec::Output::Mapped(#mapping))
            }
        }
    }

    fn mapping(&self, mapping: &Mapping) -> TokenStream {
        let spec = &self.spec;
        match mapping {
            Mapping::Select { path, ty } => {
                let path = self.json_path(path);
                let ty = value_type(*ty);
                quote!(#spec::Mapping::Select { path: #path, ty: #spec::ValueType::#ty })
            }
            Mapping::Object { path, fields } => {
                let path = self.json_path(path);
                let fields = fields.iter().map(|(name, m)| {
                    let name = lit(name);
                    let m = self.mapping(m);
                    quote!((#name, #m))
                });
                quote!(#spec::Mapping::Object { path: #path, fields: &[#(#fields),*] })
            }
            Mapping::Array { path, items } => {
                let path = self.json_path(path);
                let items = self.mapping(items);
                quote!(#spec::Mapping::Array { path: #path, items: &#items })
            }
            Mapping::Const(json) => {
                let json = lit(&canonical_json(json));
                quote!(#spec::Mapping::Const(#json))
            }
            Mapping::Value(value) => {
                let value = self.value(value);
                quote!(#spec::Mapping::Value(#value))
            }
        }
    }

    fn json_path(&self, path: &[PathSegment]) -> TokenStream {
        let spec = &self.spec;
        let segments = path.iter().map(|segment| match segment {
            PathSegment::Field(name) => {
                let name = lit(name);
                quote!(#spec::PathSegment::Field(#name))
            }
            PathSegment::Index(index) => {
                let index = Literal::i64_unsuffixed(*index);
                quote!(#spec::PathSegment::Index(#index))
            }
            PathSegment::Wildcard => quote!(#spec::PathSegment::Wildcard),
        });
        quote!(&[#(#segments),*])
    }

    pub(super) fn value(&self, value: &Value) -> TokenStream {
        let spec = &self.spec;
        match value {
            Value::Literal(json) => {
                let json = lit(&canonical_json(json));
                quote!(#spec::Value::Literal(#json))
            }
            Value::Input(name) => {
                let name = lit(name);
                quote!(#spec::Value::Input(#name))
            }
            Value::Secret(key) => {
                let key = lit(key);
                quote!(#spec::Value::Secret(#key))
            }
            Value::Step { step, path } => {
                let step = lit(step);
                let path = self.json_path(path);
                quote!(#spec::Value::Step { step: #step, path: #path })
            }
            Value::Template(parts) => {
                let parts = self.template_parts(parts);
                quote!(#spec::Value::Template(#parts))
            }
            Value::Object(fields) => {
                let fields = fields.iter().map(|(name, v)| {
                    let name = lit(name);
                    let v = self.value(v);
                    quote!((#name, #v))
                });
                quote!(#spec::Value::Object(&[#(#fields),*]))
            }
            Value::Array(items) => {
                let items = items.iter().map(|v| self.value(v));
                quote!(#spec::Value::Array(&[#(#items),*]))
            }
        }
    }

    pub(super) fn template_parts(&self, parts: &[TemplatePart]) -> TokenStream {
        let spec = &self.spec;
        let parts = parts.iter().map(|part| match part {
            TemplatePart::Text(text) => {
                let text = lit(text);
                quote!(#spec::TemplatePart::Text(#text))
            }
            TemplatePart::Value(value) => {
                let value = self.value(value);
                quote!(#spec::TemplatePart::Value(#value))
            }
        });
        quote!(&[#(#parts),*])
    }
}

/// A static JSON body re-printed canonically: the resolver printed it with whatever key order
/// its `serde_json` build keeps, and every entry point must print the same bytes.
fn static_body(body: &str, content_type: &str) -> String {
    if content_type.contains("json")
        && let Ok(json) = serde_json::from_str::<serde_json::Value>(body)
    {
        return canonical_json(&json);
    }
    body.to_string()
}
