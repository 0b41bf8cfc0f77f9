//! Serves the example application on `APP_ADDR` (default `127.0.0.1:3000`) with axum, or, with
//! `--built-in`, the capability on the built-in server (each adapter on its own `<PREFIX>_ADDR`)
//! with the application's layer added. Either way until SIGINT or SIGTERM.

use embed_axum::{Capability, app, served_by};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    naftiko::init_logging();
    // Listening for the signals first, so none sent once a listener is up is missed.
    let stop = naftiko::shutdown_signal();
    let capability = Capability::from_env()?;
    if std::env::args().any(|arg| arg == "--built-in") {
        capability
            .bind()
            .await?
            .layer(served_by())
            .run(stop)
            .await?;
        return Ok(());
    }
    let app = app(&capability)?;
    let addr = std::env::var("APP_ADDR").unwrap_or_else(|_| "127.0.0.1:3000".to_owned());
    let listener = tokio::net::TcpListener::bind(&addr).await?;
    eprintln!("listening on http://{addr}");
    axum::serve(listener, app)
        .with_graceful_shutdown(stop)
        .await?;
    Ok(())
}
