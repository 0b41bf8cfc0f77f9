//! A reverse proxy with nothing in it but hyper: the ceiling `bench/ceiling.sh` measures the
//! generated server against. It does what nginx's `proxy_pass` in `bench/lib.sh` does for the
//! seed's route: `GET /v1/v1/runs/{id}` goes to the upstream as `/v1/runs/{id}` with an
//! `Authorization` header, through a pool of kept-alive connections, and the answer comes back
//! as it arrived. No routing, no input checks, no errors shaped: any path is forwarded with its
//! first segment dropped, and a failed upstream call is a bare 502.
//!
//! ```text
//! bare-proxy multi     LISTEN UPSTREAM           one multi-threaded runtime, one listener, one pool
//! bare-proxy per-core  LISTEN UPSTREAM [WORKERS] WORKERS threads (default: the cores), each a
//!                                                current_thread runtime with its own SO_REUSEPORT
//!                                                listener and its own pool
//! ```

use std::convert::Infallible;
use std::net::SocketAddr;
use std::process::ExitCode;

use bytes::Bytes;
use http::header::{AUTHORIZATION, HOST};
use http::{HeaderValue, Request, Response, StatusCode, Uri};
use http_body_util::{BodyExt, Empty, combinators::UnsyncBoxBody};
use hyper::body::Incoming;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::{TokioExecutor, TokioIo};
use tokio::net::TcpListener;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const USAGE: &str = "usage: bare-proxy multi|per-core LISTEN_ADDR UPSTREAM_ADDR [WORKERS]";

type Pool = Client<HttpConnector, Empty<Bytes>>;
type Answer = Response<UnsyncBoxBody<Bytes, hyper::Error>>;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (mode, listen, upstream) = match args.as_slice() {
        [mode, listen, upstream, ..] => (mode.as_str(), listen, upstream),
        _ => return usage(),
    };
    let (Ok(listen), Ok(upstream)) = (listen.parse::<SocketAddr>(), upstream.parse::<SocketAddr>())
    else {
        return usage();
    };
    let served = match mode {
        "multi" => multi(listen, upstream),
        "per-core" => {
            let workers = match args.get(3).map(|count| count.parse::<usize>()) {
                None => std::thread::available_parallelism().map_or(1, usize::from),
                Some(Ok(count)) if count > 0 => count,
                Some(_) => return usage(),
            };
            per_core(listen, upstream, workers)
        }
        _ => return usage(),
    };
    match served {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("bare-proxy: {error}");
            ExitCode::FAILURE
        }
    }
}

fn usage() -> ExitCode {
    eprintln!("{USAGE}");
    ExitCode::from(2)
}

fn pool() -> Pool {
    let mut http = HttpConnector::new();
    http.set_nodelay(true);
    Client::builder(TokioExecutor::new()).build(http)
}

/// Tokio's work-stealing runtime (a worker per core): what `#[tokio::main]` gives.
fn multi(listen: SocketAddr, upstream: SocketAddr) -> std::io::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        let listener = TcpListener::bind(listen).await?;
        accept_loop(listener, pool(), upstream).await
    })
}

/// A thread per worker, each with a runtime of its own: connections, their requests and the
/// upstream connections they use never leave the thread that accepted them.
fn per_core(listen: SocketAddr, upstream: SocketAddr, workers: usize) -> std::io::Result<()> {
    let mut threads = Vec::with_capacity(workers);
    for _ in 0..workers {
        // Bound here, before any thread serves: a port that is taken fails the start.
        let listener = reuse_port_listener(listen)?;
        threads.push(std::thread::spawn(move || -> std::io::Result<()> {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?;
            runtime.block_on(async move {
                let listener = TcpListener::from_std(listener)?;
                accept_loop(listener, pool(), upstream).await
            })
        }));
    }
    for thread in threads {
        thread
            .join()
            .map_err(|_| std::io::Error::other("a worker panicked"))??;
    }
    Ok(())
}

fn reuse_port_listener(address: SocketAddr) -> std::io::Result<std::net::TcpListener> {
    let socket = socket2::Socket::new(
        socket2::Domain::for_address(address),
        socket2::Type::STREAM,
        Some(socket2::Protocol::TCP),
    )?;
    socket.set_reuse_address(true)?;
    socket.set_reuse_port(true)?;
    socket.set_nonblocking(true)?;
    socket.bind(&address.into())?;
    socket.listen(1024)?;
    Ok(socket.into())
}

async fn accept_loop(
    listener: TcpListener,
    pool: Pool,
    upstream: SocketAddr,
) -> std::io::Result<()> {
    let authorization = HeaderValue::from_static("Bearer signkey-bench-00");
    let host = HeaderValue::from_str(&upstream.to_string()).map_err(std::io::Error::other)?;
    loop {
        let (stream, _) = listener.accept().await?;
        let _ = stream.set_nodelay(true);
        let pool = pool.clone();
        let (authorization, host) = (authorization.clone(), host.clone());
        tokio::spawn(async move {
            let service = hyper::service::service_fn(move |request: Request<Incoming>| {
                forward(
                    pool.clone(),
                    upstream,
                    request,
                    authorization.clone(),
                    host.clone(),
                )
            });
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

async fn forward(
    pool: Pool,
    upstream: SocketAddr,
    request: Request<Incoming>,
    authorization: HeaderValue,
    host: HeaderValue,
) -> Result<Answer, Infallible> {
    // `/v1/v1/runs/{id}` → `/v1/runs/{id}`: the first segment dropped.
    let path = request.uri().path();
    let rest = path
        .get(1..)
        .and_then(|tail| tail.find('/').map(|slash| &tail[slash..]))
        .unwrap_or("/");
    let Ok(uri) = format!("http://{upstream}{rest}").parse::<Uri>() else {
        return Ok(status(StatusCode::BAD_REQUEST));
    };
    let mut outgoing = Request::new(Empty::new());
    *outgoing.method_mut() = request.method().clone();
    *outgoing.uri_mut() = uri;
    outgoing.headers_mut().insert(HOST, host);
    outgoing.headers_mut().insert(AUTHORIZATION, authorization);
    match pool.request(outgoing).await {
        Ok(answer) => Ok(answer.map(BodyExt::boxed_unsync)),
        Err(_) => Ok(status(StatusCode::BAD_GATEWAY)),
    }
}

fn status(code: StatusCode) -> Answer {
    let mut answer = Response::new(Empty::new().map_err(|never| match never {}).boxed_unsync());
    *answer.status_mut() = code;
    answer
}
