naftiko::capability!("no-such-spec.yaml");

fn main() {}
