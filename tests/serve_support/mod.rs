//! Shared by the tests that run the real `perimeter serve`: the process (started, its stdout read line
//! by line until it prints its address, stopped with SIGTERM, killed when a test fails half-way) and a
//! plain HTTP/1.1 client over `std::net::TcpStream` (`Connection: close`, no other dependency).

#![allow(dead_code)]

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// A running `perimeter serve`. Dropping it kills the process.
pub struct Served {
    child: Child,
    lines: Receiver<String>,
    stderr: Option<JoinHandle<String>>,
    /// `HOST:PORT` it listens on.
    pub addr: String,
    /// What it printed before its address.
    pub before: Vec<String>,
}

impl Served {
    /// Starts `cmd` with its stdout piped (a stderr the caller piped is collected for [`Self::stop`])
    /// and waits up to `wait` for `listening on http://ADDR`. Panics with what was printed otherwise.
    pub fn start(mut cmd: Command, wait: Duration) -> Served {
        let mut child = cmd
            .stdout(Stdio::piped())
            .spawn()
            .expect("start perimeter serve");
        let stdout = child.stdout.take().expect("stdout");
        let stderr = child.stderr.take().map(|mut e| {
            std::thread::spawn(move || {
                let mut s = String::new();
                let _ = e.read_to_string(&mut s);
                s
            })
        });
        let (tx, lines) = mpsc::channel::<String>();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let mut served = Served {
            child,
            lines,
            stderr,
            addr: String::new(),
            before: Vec::new(),
        };
        let deadline = Instant::now() + wait;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let Some(line) = served.next_line(left) else {
                panic!("no address printed; got {:?}", served.before);
            };
            if let Some(a) = line.strip_prefix("listening on http://") {
                served.addr = a.trim().to_string();
                return served;
            }
            served.before.push(line);
        }
    }

    /// The next line it prints, if one comes within `wait`.
    pub fn next_line(&self, wait: Duration) -> Option<String> {
        self.lines.recv_timeout(wait).ok()
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// SIGTERM, then waits up to 10 s for it to exit: its exit status and what it wrote to a piped
    /// stderr (empty when not piped). Panics if it does not stop.
    pub fn stop(&mut self) -> (ExitStatus, String) {
        let pid = self.child.id().to_string();
        let sent = Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .expect("kill");
        assert!(sent.success(), "kill -TERM {pid}: {sent}");
        let deadline = Instant::now() + Duration::from_secs(10);
        let status = loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                break status;
            }
            assert!(
                Instant::now() < deadline,
                "the server did not stop within 10 s of SIGTERM"
            );
            std::thread::sleep(Duration::from_millis(100));
        };
        let errors = self
            .stderr
            .take()
            .map(|h| h.join().expect("stderr reader"))
            .unwrap_or_default();
        (status, errors)
    }
}

impl Served {
    /// SIGKILL, and waits for the process to be gone.
    pub fn kill(mut self) {
        self.child.kill().expect("SIGKILL");
        self.child.wait().expect("wait");
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An answer: status, head in lower case, body (de-chunked).
pub type Answer = (u16, String, Vec<u8>);

/// One request with `Connection: close`, the extra header lines given (`Name: value`), and a body sent
/// as JSON. Errors (refused, cut short, no head) come back as `Err`; a body shorter than its
/// `Content-Length` is an error too.
pub fn try_request(
    addr: &str,
    method: &str,
    path: &str,
    headers: &[String],
    body: &str,
    timeout: Duration,
) -> io::Result<Answer> {
    let bad = |what: &str| io::Error::new(io::ErrorKind::InvalidData, what.to_string());
    let mut s = TcpStream::connect(addr)?;
    s.set_read_timeout(Some(timeout))?;
    let mut req =
        format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n");
    for h in headers {
        req.push_str(h);
        req.push_str("\r\n");
    }
    req.push_str(&format!(
        "Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    ));
    s.write_all(req.as_bytes())?;
    let mut raw = Vec::new();
    s.read_to_end(&mut raw)?;
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| bad("no end of head"))?;
    let head = String::from_utf8_lossy(&raw[..split]).to_lowercase();
    let status: u16 = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| bad("no status"))?;
    let mut body = raw[split + 4..].to_vec();
    if head.contains("transfer-encoding: chunked") {
        body = dechunk(&body).ok_or_else(|| bad("broken chunks"))?;
    } else if let Some(len) = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse::<usize>().ok())
    {
        if body.len() != len {
            return Err(bad("body shorter than its length"));
        }
    }
    Ok((status, head, body))
}

/// [`try_request`] with a 60 s timeout; panics on an error.
pub fn request(addr: &str, method: &str, path: &str, headers: &[String], body: &str) -> Answer {
    try_request(addr, method, path, headers, body, Duration::from_secs(60))
        .unwrap_or_else(|e| panic!("{method} {path}: {e}"))
}

/// `Authorization: Bearer TOKEN`.
pub fn bearer(token: &str) -> String {
    format!("Authorization: Bearer {token}")
}

/// A chunked body's data: size line, data, CRLF … up to the chunk of size 0.
fn dechunk(mut rest: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let eol = rest.windows(2).position(|w| w == b"\r\n")?;
        let size = usize::from_str_radix(String::from_utf8_lossy(&rest[..eol]).trim(), 16).ok()?;
        if size == 0 {
            return Some(out);
        }
        out.extend_from_slice(rest.get(eol + 2..eol + 2 + size)?);
        rest = rest.get(eol + 2 + size + 2..)?;
    }
}
