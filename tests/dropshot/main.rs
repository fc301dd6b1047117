//! A dropshot server built with its `usdt-probes` feature and this workspace's `usdt` patched
//! in for usdt 0.6: it serves one endpoint on the loopback, sends itself `N` requests (the
//! argument; default 2) through a plain `TcpStream`, alternately to `/hello` (200) and
//! `/missing` (404), and stops. Each request fires dropshot's `request__start` and
//! `request__done` probes with their JSON. Prints `served=N`.

use std::io::{Read, Write};
use std::net::TcpStream;

use dropshot::{
    endpoint, ApiDescription, ConfigLogging, ConfigLoggingLevel, HttpError, HttpResponseOk,
    RequestContext, ServerBuilder,
};

#[endpoint { method = GET, path = "/hello" }]
async fn hello(_rqctx: RequestContext<()>) -> Result<HttpResponseOk<String>, HttpError> {
    Ok(HttpResponseOk("hello".to_owned()))
}

fn get(address: std::net::SocketAddr, path: &str) -> String {
    let mut stream = TcpStream::connect(address).expect("connect to the server");
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
    )
    .expect("send the request");
    let mut response = String::new();
    stream
        .read_to_string(&mut response)
        .expect("read the response");
    response.lines().next().unwrap_or_default().to_owned()
}

#[tokio::main]
async fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(2);
    let log = ConfigLogging::StderrTerminal {
        level: ConfigLoggingLevel::Error,
    }
    .to_logger("dropshot-usdt")
    .expect("a logger");
    let mut api = ApiDescription::new();
    api.register(hello).expect("register the endpoint");
    let server = ServerBuilder::new(api, (), log)
        .start()
        .expect("start the server");
    let address = server.local_addr();
    let statuses = tokio::task::spawn_blocking(move || {
        (0..n)
            .map(|i| get(address, if i % 2 == 0 { "/hello" } else { "/missing" }))
            .collect::<Vec<_>>()
    })
    .await
    .expect("the client");
    for status in &statuses {
        eprintln!("{status}");
    }
    server.close().await.expect("stop the server");
    println!("served={}", statuses.len());
}
