//! YAML text → a tree of located [`Node`]s, with bounds on everything an attacker controls.
//!
//! Built on `saphyr-parser`'s event stream (a maintained, YAML 1.2 compliant, non-recursive
//! parser) rather than a serde deserializer: we need a location for every node, every error at
//! once, and hard limits. Aliases are expanded by copying the anchored node, against a budget on
//! the total number of nodes, so "billion laughs" documents end in a diagnostic, not in memory
//! exhaustion. Nesting depth is bounded too.

use std::borrow::Cow;
use std::collections::HashMap;

use saphyr_parser::{Event, Parser, ScalarStyle, Span};

use super::node::{Node, NodeKind, Scalar};
use crate::source::{FileId, Loc};

/// Limits on one document.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Nodes in the tree after alias expansion.
    pub max_nodes: usize,
    /// Nesting of mappings and lists.
    pub max_depth: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_nodes: 250_000,
            max_depth: 100,
        }
    }
}

/// A problem found while reading YAML: where, what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlProblem {
    pub loc: Loc,
    pub path: String,
    pub code: &'static str,
    pub message: String,
    pub is_error: bool,
}

/// The result of reading one file: the first document (if any could be read) and the problems.
pub struct Parsed {
    pub root: Option<Node>,
    pub problems: Vec<YamlProblem>,
}

enum Frame {
    Seq {
        items: Vec<Node>,
        loc: Loc,
        path: String,
        anchor: usize,
    },
    Map {
        entries: Vec<(Node, Node)>,
        pending_key: Option<Node>,
        loc: Loc,
        path: String,
        anchor: usize,
    },
}

struct Builder {
    file: FileId,
    limits: Limits,
    stack: Vec<Frame>,
    anchors: HashMap<usize, Node>,
    nodes: usize,
    root: Option<Node>,
    problems: Vec<YamlProblem>,
    documents: usize,
}

fn loc(file: FileId, span: &Span) -> Loc {
    Loc {
        file,
        line: u32::try_from(span.start.line()).unwrap_or(u32::MAX),
        column: u32::try_from(span.start.col() + 1).unwrap_or(u32::MAX),
    }
}

/// Parses `text` (the contents of file `file`).
pub fn parse(text: &str, file: FileId, limits: Limits) -> Parsed {
    let mut b = Builder {
        file,
        limits,
        stack: Vec::new(),
        anchors: HashMap::new(),
        nodes: 0,
        root: None,
        problems: Vec::new(),
        documents: 0,
    };
    let mut parser = Parser::new_from_str(text);
    loop {
        let event = match parser.next_event() {
            None => break,
            Some(Ok(ev)) => ev,
            Some(Err(err)) => {
                let m = err.marker();
                b.problems.push(YamlProblem {
                    loc: Loc {
                        file,
                        line: u32::try_from(m.line()).unwrap_or(u32::MAX),
                        column: u32::try_from(m.col() + 1).unwrap_or(u32::MAX),
                    },
                    path: b.current_path(),
                    code: "yaml-syntax",
                    message: format!("YAML syntax error: {}", err.info()),
                    is_error: true,
                });
                // Whatever was built so far is not a whole document; don't guess.
                b.root = None;
                break;
            }
        };
        if !b.on_event(event) {
            break;
        }
    }
    Parsed {
        root: b.root,
        problems: b.problems,
    }
}

impl Builder {
    fn current_path(&self) -> String {
        match self.stack.last() {
            Some(Frame::Seq { items, path, .. }) => index_path(path, items.len()),
            Some(Frame::Map {
                pending_key: Some(k),
                path,
                ..
            }) => key_path(path, k.as_str().unwrap_or_default()),
            Some(Frame::Map { path, .. }) => path.clone(),
            None => String::new(),
        }
    }

    fn problem(&mut self, loc: Loc, code: &'static str, message: String, is_error: bool) {
        let path = self.current_path();
        self.problems.push(YamlProblem {
            loc,
            path,
            code,
            message,
            is_error,
        });
    }

    /// Handles one event; `false` stops parsing (a limit was hit).
    fn on_event(&mut self, (event, span): (Event<'_>, Span)) -> bool {
        let at = loc(self.file, &span);
        match event {
            Event::StreamStart | Event::StreamEnd | Event::Nothing | Event::DocumentEnd => true,
            Event::DocumentStart(_) => {
                self.document_start(at);
                true
            }
            Event::Scalar(text, style, anchor, _tag) => self.scalar(at, text, style, anchor),
            Event::SequenceStart(anchor, _) => self.open(Frame::Seq {
                items: Vec::new(),
                loc: at,
                path: self.current_path(),
                anchor,
            }),
            Event::MappingStart(anchor, _) => self.open(Frame::Map {
                entries: Vec::new(),
                pending_key: None,
                loc: at,
                path: self.current_path(),
                anchor,
            }),
            Event::SequenceEnd | Event::MappingEnd => self.close(),
            Event::Alias(id) => self.alias(at, id),
        }
    }

    /// Counts documents: only the first is read, with a warning when there are more.
    fn document_start(&mut self, at: Loc) {
        self.documents += 1;
        if self.documents == 2 {
            self.problem(
                at,
                "yaml-multiple-documents",
                "the file holds more than one YAML document; only the first is read".into(),
                false,
            );
        }
    }

    fn scalar(&mut self, at: Loc, text: Cow<'_, str>, style: ScalarStyle, anchor: usize) -> bool {
        // In key position a scalar's path is the parent's; a value's includes its key.
        let path = self.current_path();
        let quoted = !matches!(style, ScalarStyle::Plain);
        let kind = if !quoted && matches!(text.as_ref(), "" | "~" | "null" | "Null" | "NULL") {
            NodeKind::Null
        } else {
            NodeKind::Scalar(Scalar {
                text: text.into_owned(),
                quoted,
            })
        };
        self.finish(
            Node {
                kind,
                loc: at,
                path,
            },
            anchor,
        )
    }

    /// The end of the innermost sequence or mapping: it becomes a node of its parent.
    fn close(&mut self) -> bool {
        match self.stack.pop() {
            Some(Frame::Seq {
                items,
                loc,
                path,
                anchor,
            }) => self.finish(
                Node {
                    kind: NodeKind::Seq(items),
                    loc,
                    path,
                },
                anchor,
            ),
            Some(Frame::Map {
                entries,
                loc,
                path,
                anchor,
                ..
            }) => self.finish(
                Node {
                    kind: NodeKind::Map(entries),
                    loc,
                    path,
                },
                anchor,
            ),
            None => true,
        }
    }

    /// A copy of the anchored node, placed here; aliases count towards the node limit, so a
    /// few lines cannot expand into a huge tree.
    fn alias(&mut self, at: Loc, id: usize) -> bool {
        let Some(node) = self.anchors.get(&id) else {
            self.problem(at, "yaml-syntax", "alias to an unknown anchor".into(), true);
            return true;
        };
        let size = count_nodes(node);
        if self.nodes.saturating_add(size) > self.limits.max_nodes {
            self.problem(
                at,
                "yaml-too-large",
                format!(
                    "the document expands to more than {} nodes (aliases included); \
                     it is not a capability spec",
                    self.limits.max_nodes
                ),
                true,
            );
            self.root = None;
            return false;
        }
        self.nodes += size;
        let mut copy = node.clone();
        copy.loc = at;
        let path = self.current_path();
        repath(&mut copy, &path);
        self.place(copy)
    }

    fn open(&mut self, frame: Frame) -> bool {
        if self.stack.len() >= self.limits.max_depth {
            let at = match &frame {
                Frame::Seq { loc, .. } | Frame::Map { loc, .. } => *loc,
            };
            self.problem(
                at,
                "yaml-too-deep",
                format!("nesting deeper than {} levels", self.limits.max_depth),
                true,
            );
            self.root = None;
            return false;
        }
        self.stack.push(frame);
        true
    }

    /// A node is complete: remember its anchor, count it, put it in its parent.
    fn finish(&mut self, node: Node, anchor: usize) -> bool {
        self.nodes += 1;
        if self.nodes > self.limits.max_nodes {
            self.problem(
                node.loc,
                "yaml-too-large",
                format!("the document has more than {} nodes", self.limits.max_nodes),
                true,
            );
            self.root = None;
            return false;
        }
        if anchor != 0 {
            self.anchors.insert(anchor, node.clone());
        }
        self.place(node)
    }

    fn place(&mut self, node: Node) -> bool {
        let mut duplicate: Option<(Loc, String)> = None;
        match self.stack.last_mut() {
            None => {
                if self.documents <= 1 && self.root.is_none() {
                    self.root = Some(node);
                }
            }
            Some(Frame::Seq { items, .. }) => items.push(node),
            Some(Frame::Map {
                entries,
                pending_key,
                ..
            }) => match pending_key.take() {
                None => *pending_key = Some(node),
                Some(key) => {
                    if let Some(name) = key.as_str()
                        && let Some(pos) =
                            entries.iter().position(|(k, _)| k.as_str() == Some(name))
                    {
                        duplicate = Some((key.loc, name.to_string()));
                        entries.remove(pos);
                    }
                    entries.push((key, node));
                }
            },
        }
        if let Some((at, name)) = duplicate {
            self.problem(
                at,
                "yaml-duplicate-key",
                format!("key `{name}` appears twice in one mapping; the later value is used"),
                false,
            );
        }
        true
    }
}

fn key_path(parent: &str, key: &str) -> String {
    if parent.is_empty() {
        key.to_string()
    } else {
        format!("{parent}.{key}")
    }
}

fn index_path(parent: &str, index: usize) -> String {
    format!("{parent}[{index}]")
}

fn count_nodes(node: &Node) -> usize {
    match &node.kind {
        NodeKind::Null | NodeKind::Scalar(_) => 1,
        NodeKind::Seq(items) => 1 + items.iter().map(count_nodes).sum::<usize>(),
        NodeKind::Map(entries) => {
            1 + entries
                .iter()
                .map(|(k, v)| count_nodes(k) + count_nodes(v))
                .sum::<usize>()
        }
    }
}

/// An alias copy lives at a new place in the tree: give it (and its children) paths from there.
fn repath(node: &mut Node, path: &str) {
    node.path = path.to_string();
    match &mut node.kind {
        NodeKind::Null | NodeKind::Scalar(_) => {}
        NodeKind::Seq(items) => {
            for (i, item) in items.iter_mut().enumerate() {
                repath(item, &index_path(path, i));
            }
        }
        NodeKind::Map(entries) => {
            for (k, v) in entries.iter_mut() {
                k.path = path.to_string();
                let child = key_path(path, k.as_str().unwrap_or_default());
                repath(v, &child);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_ok(text: &str) -> Node {
        let parsed = parse(text, FileId(0), Limits::default());
        assert!(parsed.problems.is_empty(), "{:?}", parsed.problems);
        parsed.root.unwrap_or_else(|| Node {
            kind: NodeKind::Null,
            loc: Loc::default(),
            path: String::new(),
        })
    }

    #[test]
    fn nodes_know_their_line_column_and_path() {
        let root = parse_ok("a:\n  b:\n    - x: 1\n    - y: two\n");
        let y = root
            .get("a")
            .and_then(|a| a.get("b"))
            .and_then(|b| b.as_seq())
            .map(|s| &s[1]);
        let y = y.and_then(|n| n.get("y")).cloned();
        let y = y.map(|n| {
            (
                n.loc.line,
                n.loc.column,
                n.path.clone(),
                n.as_str().map(str::to_string),
            )
        });
        assert_eq!(
            y,
            Some((4, 10, "a.b[1].y".to_string(), Some("two".to_string())))
        );
    }

    #[test]
    fn billion_laughs_is_refused_not_expanded() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..12 {
            let prev = i - 1;
            text.push_str(&format!(
                "a{i}: &a{i} [*a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}]\n"
            ));
        }
        let parsed = parse(&text, FileId(0), Limits::default());
        assert!(parsed.root.is_none());
        assert!(parsed.problems.iter().any(|p| p.code == "yaml-too-large"));
    }

    #[test]
    fn deep_nesting_is_refused() {
        let text = "[".repeat(10_000);
        let parsed = parse(&text, FileId(0), Limits::default());
        assert!(parsed.root.is_none());
        assert!(!parsed.problems.is_empty());
    }

    #[test]
    fn syntax_errors_are_located() {
        let parsed = parse("a: b\n  c: [\n", FileId(0), Limits::default());
        let p = &parsed.problems[0];
        assert_eq!((p.code, p.is_error), ("yaml-syntax", true));
        assert!(p.loc.line >= 1);
    }

    #[test]
    fn duplicate_keys_warn_and_keep_the_last() {
        let parsed = parse("a: 1\na: 2\n", FileId(0), Limits::default());
        assert_eq!(parsed.problems[0].code, "yaml-duplicate-key");
        assert_eq!(
            parsed.root.and_then(|r| r.get("a").and_then(Node::as_u64)),
            Some(2)
        );
    }
}
