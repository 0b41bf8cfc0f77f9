//! The IR written out as `static` data of the runtime's `spec` types: one `static` per
//! consumed operation (clients and handlers point at it) and the whole capability as `SPEC`.
//!
//! The IR mirrors `naftiko_runtime::spec` field for field, so every function here is a plain
//! translation; JSON (literals, schemas, OpenAPI documents) is written as canonical JSON text.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::Emitter;
use super::openapi;
use super::text::{canonical_json, lit, opt_lit, raw_lit};
use crate::ir::{
    Annotations, Auth, Body, CallerInput, ControlAdapter, ExposedAuth, McpAdapter, McpPrompt,
    McpResource, McpResourceContent, McpTool, MultipartPart, Namespace, OpRef, Operation,
    OperationInput, ParamIn, PathPart, Placement, RawFormat, RestAdapter, RestForward, RestRoute,
    Secret, ValueType,
};

impl Emitter<'_> {
    /// `static <NS>_<OP>: HttpOperation = …;` for every consumed operation.
    pub fn operation_tables(&self) -> TokenStream {
        let spec = &self.spec;
        let mut items = Vec::new();
        for (ns_index, ns) in self.cap.consumes.iter().enumerate() {
            for (op_index, op) in ns.operations.iter().enumerate() {
                let Some(table) = self.table_ident(OpRef {
                    namespace: ns_index,
                    operation: op_index,
                }) else {
                    continue;
                };
                let value = self.operation(ns_index, op);
                let doc = lit(&format!(
                    " `{}` of `{}`: `{} {}`.",
                    op.name.replace('`', ""),
                    ns.namespace.replace('`', ""),
                    op.method,
                    path_text(&op.path).replace('`', "")
                ));
                items.push(quote! {
                    #[doc = #doc]
                    static #table: #spec::HttpOperation = #value;
                });
            }
        }
        quote!(#(#items)*)
    }

    /// `pub static SPEC: CapabilitySpec = …;`
    pub fn spec_table(&self) -> TokenStream {
        let spec = &self.spec;
        let cap = self.cap;
        let name = lit(&cap.name);
        let description = lit(&cap.description);
        let consumes = cap.consumes.iter().map(|ns| self.consumes(ns));
        let secrets = cap.secrets.iter().map(|s| self.secret(s));
        let rest = cap.rest.iter().map(|a| self.rest_adapter(a));
        let mcp = cap.mcp.iter().map(|a| self.mcp_adapter(a));
        let control = cap.control.iter().map(|a| self.control_adapter(a));
        quote! {
            /// The whole capability as the runtime reads it, resolved at compile time.
            pub static SPEC: #spec::CapabilitySpec = #spec::CapabilitySpec {
                name: #name,
                description: #description,
                consumes: &[#(#consumes),*],
                secrets: &[#(#secrets),*],
                rest: &[#(#rest),*],
                mcp: &[#(#mcp),*],
                control: &[#(#control),*],
            };
        }
    }

    fn operation(&self, ns_index: usize, op: &Operation) -> TokenStream {
        let spec = &self.spec;
        let consumes = Literal::usize_unsuffixed(ns_index);
        let name = lit(&op.name);
        let method = lit(&op.method);
        let path = self.path_parts(&op.path);
        let inputs = op.inputs.iter().map(|i| self.operation_input(i));
        let body = self.body(&op.body);
        let format = raw_format(op.output_format, op.output_schema.as_deref());
        quote! {
            #spec::HttpOperation {
                consumes: #consumes,
                name: #name,
                method: #method,
                path: &[#(#path),*],
                inputs: &[#(#inputs),*],
                body: #body,
                output_format: #spec::RawFormat::#format,
            }
        }
    }

    fn operation_input(&self, input: &OperationInput) -> TokenStream {
        let spec = &self.spec;
        let name = lit(&input.name);
        let location = match input.location {
            Some(location) => {
                let location = param_location(location);
                quote!(::core::option::Option::Some(#spec::ParamLocation::#location))
            }
            None => quote!(::core::option::Option::None),
        };
        let wire_name = lit(&input.wire_name);
        let ty = value_type(input.ty);
        let required = input.required;
        let fixed = match &input.fixed {
            Some(value) => {
                let value = self.value(value);
                quote!(::core::option::Option::Some(#value))
            }
            None => quote!(::core::option::Option::None),
        };
        quote! {
            #spec::OperationInput {
                name: #name,
                location: #location,
                wire_name: #wire_name,
                ty: #spec::ValueType::#ty,
                required: #required,
                fixed: #fixed,
            }
        }
    }

    fn body(&self, body: &Body) -> TokenStream {
        let spec = &self.spec;
        match body {
            Body::Fields => quote!(#spec::RequestBody::Fields),
            Body::Json(value) => {
                let value = self.value(value);
                quote!(#spec::RequestBody::Json(#value))
            }
            Body::FormUrlEncoded(value) => {
                let value = self.value(value);
                quote!(#spec::RequestBody::FormUrlEncoded(#value))
            }
            Body::Multipart(parts) => {
                let parts = parts.iter().map(|p| self.multipart_part(p));
                quote!(#spec::RequestBody::Multipart(&[#(#parts),*]))
            }
            Body::Text { content_type, data } => {
                let content_type = lit(content_type);
                let data = self.value(data);
                quote!(#spec::RequestBody::Text { content_type: #content_type, data: #data })
            }
        }
    }

    fn multipart_part(&self, part: &MultipartPart) -> TokenStream {
        let spec = &self.spec;
        let name = lit(&part.name);
        let value = self.value(&part.value);
        let filename = opt_lit(part.filename.as_deref());
        let content_type = opt_lit(part.content_type.as_deref());
        quote! {
            #spec::MultipartPart {
                name: #name,
                value: #value,
                filename: #filename,
                content_type: #content_type,
            }
        }
    }

    fn consumes(&self, ns: &Namespace) -> TokenStream {
        let spec = &self.spec;
        let namespace = lit(&ns.namespace);
        let env_prefix = lit(&ns.env_prefix);
        let base_url = lit(&ns.base_url);
        let timeout_ms = Literal::u64_unsuffixed(ns.timeout_ms);
        let auth = self.auth(&ns.auth);
        let defaults = ns.default_params.iter().map(|(name, location, value)| {
            let name = lit(name);
            let location = param_location(*location);
            let value = self.value(value);
            quote! {
                #spec::DefaultParam {
                    name: #name,
                    location: #spec::ParamLocation::#location,
                    value: #value,
                }
            }
        });
        quote! {
            #spec::ConsumesSpec {
                namespace: #namespace,
                env_prefix: #env_prefix,
                base_url: #base_url,
                timeout_ms: #timeout_ms,
                auth: #auth,
                default_params: &[#(#defaults),*],
            }
        }
    }

    fn auth(&self, auth: &Auth) -> TokenStream {
        let spec = &self.spec;
        self.auth_variant(&quote!(#spec::Auth), auth)
    }

    /// Callers' credentials have the same shapes as upstream ones (minus digest), so they are
    /// written by the same code under the other enum's name.
    fn exposed_auth(&self, auth: &ExposedAuth) -> TokenStream {
        let spec = &self.spec;
        let same = match auth.clone() {
            ExposedAuth::None => Auth::None,
            ExposedAuth::Bearer { token } => Auth::Bearer { token },
            ExposedAuth::ApiKey {
                name,
                value,
                placement,
            } => Auth::ApiKey {
                name,
                value,
                placement,
            },
            ExposedAuth::Basic { username, password } => Auth::Basic { username, password },
        };
        self.auth_variant(&quote!(#spec::ExposedAuth), &same)
    }

    /// `auth` as a variant of the enum at `path` (`spec::Auth` or `spec::ExposedAuth`).
    fn auth_variant(&self, path: &TokenStream, auth: &Auth) -> TokenStream {
        let spec = &self.spec;
        match auth {
            Auth::None => quote!(#path::None),
            Auth::Bearer { token } => {
                let token = self.value(token);
                quote!(#path::Bearer { token: #token })
            }
            Auth::ApiKey {
                name,
                value,
                placement,
            } => {
                let name = lit(name);
                let value = self.value(value);
                let placement = api_key_placement(*placement);
                quote! {
                    #path::ApiKey {
                        name: #name,
                        value: #value,
                        placement: #spec::ApiKeyPlacement::#placement,
                    }
                }
            }
            Auth::Basic { username, password } => {
                let username = self.value(username);
                let password = self.value(password);
                quote!(#path::Basic { username: #username, password: #password })
            }
            Auth::Digest { username, password } => {
                let username = self.value(username);
                let password = self.value(password);
                quote!(#path::Digest { username: #username, password: #password })
            }
        }
    }

    fn secret(&self, secret: &Secret) -> TokenStream {
        let spec = &self.spec;
        let key = lit(&secret.key);
        let source_name = lit(&secret.source_name);
        let file = opt_lit(secret.file.as_deref());
        quote!(#spec::SecretSpec { key: #key, source_name: #source_name, file: #file })
    }

    fn rest_adapter(&self, adapter: &RestAdapter) -> TokenStream {
        let spec = &self.spec;
        let namespace = lit(&adapter.namespace);
        let env_prefix = lit(&adapter.env_prefix);
        let default_addr = lit(&adapter.default_addr);
        let routes = adapter.routes.iter().map(|r| self.rest_route(r));
        let openapi = raw_lit(&openapi::document(self.cap, adapter));
        let auth = self.exposed_auth(&adapter.auth);
        let forwards = adapter.forwards.iter().map(|f| self.rest_forward(f));
        quote! {
            #spec::RestAdapterSpec {
                namespace: #namespace,
                env_prefix: #env_prefix,
                default_addr: #default_addr,
                routes: &[#(#routes),*],
                openapi: #openapi,
                auth: #auth,
                forwards: &[#(#forwards),*],
            }
        }
    }

    fn rest_forward(&self, forward: &RestForward) -> TokenStream {
        let spec = &self.spec;
        let name = lit(&forward.name);
        let prefix = lit(&forward.prefix);
        let consumes = Literal::usize_unsuffixed(forward.namespace);
        let trusted = forward.trusted_headers.iter().map(|h| lit(h));
        quote! {
            #spec::RestForward {
                name: #name,
                prefix: #prefix,
                consumes: #consumes,
                trusted_headers: &[#(#trusted),*],
            }
        }
    }

    fn control_adapter(&self, adapter: &ControlAdapter) -> TokenStream {
        let spec = &self.spec;
        let namespace = lit(&adapter.namespace);
        let env_prefix = lit(&adapter.env_prefix);
        let default_addr = lit(&adapter.default_addr);
        quote! {
            #spec::ControlAdapterSpec {
                namespace: #namespace,
                env_prefix: #env_prefix,
                default_addr: #default_addr,
            }
        }
    }

    fn rest_route(&self, route: &RestRoute) -> TokenStream {
        let spec = &self.spec;
        let method = lit(&route.method);
        let path = lit(&route.path);
        let name = lit(&route.name);
        let inputs = self.caller_inputs(&route.inputs);
        let handler = self.handler(&route.handler);
        quote! {
            #spec::RestRoute {
                method: #method,
                path: #path,
                name: #name,
                inputs: #inputs,
                handler: #handler,
            }
        }
    }

    fn caller_inputs(&self, inputs: &[CallerInput]) -> TokenStream {
        let spec = &self.spec;
        let inputs = inputs.iter().map(|input| {
            let name = lit(&input.name);
            let location = param_location(input.location);
            let wire_name = lit(&input.wire_name);
            let ty = value_type(input.ty);
            let required = input.required;
            let description = lit(&input.description);
            quote! {
                #spec::CallerInput {
                    name: #name,
                    location: #spec::ParamLocation::#location,
                    wire_name: #wire_name,
                    ty: #spec::ValueType::#ty,
                    required: #required,
                    description: #description,
                }
            }
        });
        quote!(&[#(#inputs),*])
    }

    fn mcp_adapter(&self, adapter: &McpAdapter) -> TokenStream {
        let spec = &self.spec;
        let namespace = lit(&adapter.namespace);
        let env_prefix = lit(&adapter.env_prefix);
        let default_addr = lit(&adapter.default_addr);
        let description = lit(&adapter.description);
        let tools = adapter.tools.iter().map(|t| self.mcp_tool(t));
        let resources = adapter.resources.iter().map(|r| self.mcp_resource(r));
        let prompts = adapter.prompts.iter().map(|p| self.mcp_prompt(p));
        let auth = self.exposed_auth(&adapter.auth);
        quote! {
            #spec::McpAdapterSpec {
                namespace: #namespace,
                env_prefix: #env_prefix,
                default_addr: #default_addr,
                description: #description,
                tools: &[#(#tools),*],
                resources: &[#(#resources),*],
                prompts: &[#(#prompts),*],
                auth: #auth,
            }
        }
    }

    fn mcp_tool(&self, tool: &McpTool) -> TokenStream {
        let spec = &self.spec;
        let name = lit(&tool.name);
        let title = opt_lit(tool.title.as_deref());
        let description = lit(&tool.description);
        let Annotations {
            read_only,
            destructive,
            idempotent,
            open_world,
        } = tool.annotations;
        let input_schema = lit(&canonical_json(&tool.input_schema));
        let inputs = self.caller_inputs(&tool.inputs);
        let handler = self.handler(&tool.handler);
        quote! {
            #spec::McpTool {
                name: #name,
                title: #title,
                description: #description,
                annotations: #spec::ToolAnnotations {
                    read_only: #read_only,
                    destructive: #destructive,
                    idempotent: #idempotent,
                    open_world: #open_world,
                },
                input_schema: #input_schema,
                inputs: #inputs,
                handler: #handler,
            }
        }
    }

    fn path_parts(&self, parts: &[PathPart]) -> Vec<TokenStream> {
        let spec = &self.spec;
        parts
            .iter()
            .map(|part| match part {
                PathPart::Literal(text) => {
                    let text = lit(text);
                    quote!(#spec::PathPart::Literal(#text))
                }
                PathPart::Param(name) => {
                    let name = lit(name);
                    quote!(#spec::PathPart::Param(#name))
                }
            })
            .collect()
    }

    fn mcp_resource(&self, resource: &McpResource) -> TokenStream {
        let spec = &self.spec;
        let name = lit(&resource.name);
        let title = opt_lit(resource.title.as_deref());
        let uri = lit(&resource.uri);
        let uri_template = self.path_parts(&resource.uri_template);
        let description = lit(&resource.description);
        let mime_type = lit(&resource.mime_type);
        let content = match &resource.content {
            McpResourceContent::Static(text) => {
                let text = lit(text);
                quote!(#spec::McpResourceContent::Static(#text))
            }
            McpResourceContent::Dynamic(handler) => {
                let handler = self.handler(handler);
                quote!(#spec::McpResourceContent::Dynamic(#handler))
            }
        };
        quote! {
            #spec::McpResource {
                name: #name,
                title: #title,
                uri: #uri,
                uri_template: &[#(#uri_template),*],
                description: #description,
                mime_type: #mime_type,
                content: #content,
            }
        }
    }

    fn mcp_prompt(&self, prompt: &McpPrompt) -> TokenStream {
        let spec = &self.spec;
        let name = lit(&prompt.name);
        let title = opt_lit(prompt.title.as_deref());
        let description = lit(&prompt.description);
        let arguments = prompt.arguments.iter().map(|(name, description, required)| {
            let name = lit(name);
            let description = lit(description);
            quote! {
                #spec::PromptArgument { name: #name, description: #description, required: #required }
            }
        });
        let messages = prompt.messages.iter().map(|(role, parts)| {
            let role = lit(role);
            let parts = self.template_parts(parts);
            quote!((#role, #parts))
        });
        quote! {
            #spec::McpPrompt {
                name: #name,
                title: #title,
                description: #description,
                arguments: &[#(#arguments),*],
                messages: &[#(#messages),*],
            }
        }
    }
}

/// `/v1/runs/{runId}`, for docs.
pub fn path_text(path: &[PathPart]) -> String {
    path.iter()
        .map(|part| match part {
            PathPart::Literal(text) => text.clone(),
            PathPart::Param(name) => format!("{{{name}}}"),
        })
        .collect()
}

pub(super) fn value_type(ty: ValueType) -> TokenStream {
    match ty {
        ValueType::String => quote!(String),
        ValueType::Number => quote!(Number),
        ValueType::Integer => quote!(Integer),
        ValueType::Boolean => quote!(Boolean),
        ValueType::Object => quote!(Object),
        ValueType::Array => quote!(Array),
        ValueType::Any => quote!(Any),
    }
}

fn param_location(location: ParamIn) -> TokenStream {
    match location {
        ParamIn::Path => quote!(Path),
        ParamIn::Query => quote!(Query),
        ParamIn::Header => quote!(Header),
        ParamIn::Cookie => quote!(Cookie),
        ParamIn::Body => quote!(Body),
    }
}

fn api_key_placement(placement: Placement) -> TokenStream {
    match placement {
        Placement::Header => quote!(Header),
        Placement::Query => quote!(Query),
        Placement::Cookie => quote!(Cookie),
    }
}

/// The runtime's `RawFormat` for an operation; `outputSchema` selects HTML tables or Markdown
/// sections. YAML, Avro and Protobuf only pass through (the codegen refuses their mappings).
fn raw_format(format: RawFormat, output_schema: Option<&str>) -> TokenStream {
    match (format, output_schema) {
        (RawFormat::Json, _) => quote!(Json),
        (RawFormat::Xml, _) => quote!(Xml),
        (RawFormat::Csv, _) => quote!(Csv),
        (RawFormat::Tsv, _) => quote!(Tsv),
        (RawFormat::Psv, _) => quote!(Psv),
        (RawFormat::Html, None) => quote!(Html),
        (RawFormat::Html, Some(selector)) => {
            let selector = lit(selector);
            quote!(HtmlTables(#selector))
        }
        (RawFormat::Markdown, None) => quote!(Markdown),
        (RawFormat::Markdown, Some(prefix)) => {
            let prefix = lit(prefix);
            quote!(MarkdownSections(#prefix))
        }
        (RawFormat::Text | RawFormat::Yaml, _) => quote!(Text),
        (RawFormat::Binary | RawFormat::Avro | RawFormat::Protobuf, _) => quote!(Binary),
    }
}
