naftiko::capability!("warnings.yaml", allow = ["infered-input"]);

fn main() {}
