//! Every Rust identifier of the generated code, decided once, before any code is written.
//!
//! Spec names are free text (`get-run`, `2fa`, `type`, `héllo`); [`crate::names`] turns each
//! into a valid identifier. Two names can still meet after that (`getRun` and `get_run` are
//! both `get_run`): the later one gets a numbered suffix and the user a `renamed-identifier`
//! warning, so the API is stable (spec order decides) and never silently surprising.

use proc_macro2::Ident;

use super::text::ident;
use crate::diag::{Diagnostic, Severity};
use crate::names::{camel_ident, snake_ident};
use naftiko_spec::CapabilitySpec;

pub struct Idents {
    pub namespaces: Vec<NamespaceIdents>,
}

pub struct NamespaceIdents {
    /// The module `consumes::<module>` and the field `Clients::<module>`.
    pub module: Ident,
    pub operations: Vec<OperationIdents>,
}

pub struct OperationIdents {
    /// The client method.
    pub method: Ident,
    /// The input struct.
    pub input: Ident,
    /// One per input of the operation; `None` for inputs the spec fixes (`value:`), which
    /// callers cannot set.
    pub fields: Vec<Option<Ident>>,
}

/// Names the generated code defines itself next to the spec-derived ones.
const RESERVED_TYPES: &[&str] = &["Client"];

impl Idents {
    pub fn new(cap: &CapabilitySpec, file: &str, diags: &mut Vec<Diagnostic>) -> Idents {
        let mut warn = |path: String, message: String| {
            diags.push(Diagnostic {
                severity: Severity::Warning,
                code: "renamed-identifier",
                message,
                file: file.to_string(),
                line: 0,
                column: 0,
                path,
                help: Some(
                    "rename one of them in the spec so that they differ in more than case or separators"
                        .to_string(),
                ),
            });
        };

        let modules = unique_after(
            &[],
            Case::Snake,
            cap.consumes.iter().map(|ns| snake_ident(&ns.namespace)),
        );
        for (index, (ns, (module, renamed))) in cap.consumes.iter().zip(&modules).enumerate() {
            if *renamed {
                warn(
                    format!("capability.consumes[{index}].namespace"),
                    format!(
                        "namespace `{}` is `{module}` in Rust (its plain form is taken by an earlier namespace)",
                        ns.namespace
                    ),
                );
            }
        }

        let mut namespaces = Vec::new();
        for (ns_index, (ns, (module, _))) in cap.consumes.iter().zip(modules).enumerate() {
            let at = format!("capability.consumes[{ns_index}]");
            let methods = unique_after(
                &[],
                Case::Snake,
                ns.operations.iter().map(|op| snake_ident(&op.name)),
            );
            let inputs = unique_after(
                RESERVED_TYPES,
                Case::Camel,
                methods
                    .iter()
                    .map(|(method, _)| format!("{}Input", camel_ident(method))),
            );
            let mut operations = Vec::new();
            for (op, ((method, method_renamed), (input, _))) in
                ns.operations.iter().zip(methods.into_iter().zip(inputs))
            {
                if method_renamed {
                    warn(
                        at.clone(),
                        format!(
                            "operation `{}` of `{}` is the method `{method}` (its plain form is taken by an earlier operation)",
                            op.name, ns.namespace
                        ),
                    );
                }
                let settable: Vec<bool> = op.inputs.iter().map(|i| i.fixed.is_none()).collect();
                let field_names = unique_after(
                    &[],
                    Case::Snake,
                    op.inputs
                        .iter()
                        .zip(&settable)
                        .filter(|(_, settable)| **settable)
                        .map(|(i, _)| snake_ident(&i.name)),
                );
                let mut field_names = field_names.into_iter();
                let mut fields = Vec::new();
                for (input, settable) in op.inputs.iter().zip(settable) {
                    if !settable {
                        fields.push(None);
                        continue;
                    }
                    let Some((field, renamed)) = field_names.next() else {
                        fields.push(None);
                        continue;
                    };
                    if renamed {
                        warn(
                            at.clone(),
                            format!(
                                "input `{}` of operation `{}` is the field `{field}` (its plain form is taken by an earlier input)",
                                input.name, op.name
                            ),
                        );
                    }
                    fields.push(Some(ident(&field)));
                }
                operations.push(OperationIdents {
                    method: ident(&method),
                    input: ident(&input),
                    fields,
                });
            }
            namespaces.push(NamespaceIdents {
                module: ident(&module),
                operations,
            });
        }
        Idents { namespaces }
    }
}

/// How a numbered suffix joins an identifier without breaking its case convention (the
/// `non_snake_case` and `non_camel_case_types` lints deny `type__2` and `GetRunInput_2`).
#[derive(Clone, Copy)]
enum Case {
    /// `run_id_2`, `type_2` (after a keyword's `_`), `SPEC_2`.
    Snake,
    /// `GetRunInput2`.
    Camel,
}

/// Makes identifiers unique in one scope that already holds `reserved`, in order: a later
/// duplicate gets the first free numbered suffix. Returns each identifier and whether it
/// had to be changed.
fn unique_after(
    reserved: &[&str],
    case: Case,
    idents: impl IntoIterator<Item = String>,
) -> Vec<(String, bool)> {
    let mut seen: std::collections::HashSet<String> =
        reserved.iter().map(|r| (*r).to_string()).collect();
    let mut out = Vec::new();
    for ident in idents {
        if seen.insert(ident.clone()) {
            out.push((ident, false));
            continue;
        }
        let mut n = 2u32;
        let renamed = loop {
            let candidate = match case {
                Case::Snake if ident.ends_with('_') => format!("{ident}{n}"),
                Case::Snake => format!("{ident}_{n}"),
                Case::Camel => format!("{ident}{n}"),
            };
            if seen.insert(candidate.clone()) {
                break candidate;
            }
            n += 1;
        };
        out.push((renamed, true));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_string()).collect()
    }

    #[test]
    fn reserved_names_push_spec_names_aside() {
        assert_eq!(
            unique_after(&["SPEC"], Case::Snake, names(&["SPEC", "A"])),
            vec![("SPEC_2".to_string(), true), ("A".to_string(), false)]
        );
    }

    #[test]
    fn suffixes_keep_the_case_convention() {
        let snake = unique_after(
            &[],
            Case::Snake,
            names(&["type_", "type_", "run_id", "run_id", "run_id_2"]),
        );
        let snake: Vec<&str> = snake.iter().map(|(s, _)| s.as_str()).collect();
        assert_eq!(
            snake,
            ["type_", "type_2", "run_id", "run_id_2", "run_id_2_2"]
        );
        let camel = unique_after(
            &["Client"],
            Case::Camel,
            names(&["Client", "GetRunInput", "GetRunInput"]),
        );
        let camel: Vec<&str> = camel.iter().map(|(s, _)| s.as_str()).collect();
        assert_eq!(camel, ["Client2", "GetRunInput", "GetRunInput2"]);
    }
}
