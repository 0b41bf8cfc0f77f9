naftiko::capability!("unknown-call.yaml");

fn main() {}
