naftiko::capability!("yaml-syntax.yaml");

fn main() {}
