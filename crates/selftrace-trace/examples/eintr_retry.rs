//! EINTR: the first read(2) of this thread fails as if a signal had come
//! before any data moved. `read_exact` retries it (as a loop written for
//! SA_RESTART-less signals must); a bare `read` hands it to the caller.
//!
//! `cargo run -p selftrace-trace --example eintr_retry`

use std::io::PipeReader;
use std::io::{Read, Write};

use selftrace::{Errno, Sysno};
use selftrace_trace::inject::{Rule, When};

/// Read into `buf`, retrying interrupted calls: the code under test.
fn read_retrying(pipe: &mut PipeReader, buf: &mut [u8]) -> std::io::Result<usize> {
    loop {
        match pipe.read(buf) {
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            other => return other,
        }
    }
}

fn interrupted_once() -> selftrace_trace::testing::Scope {
    selftrace_trace::testing::scope()
        .inject(Rule::new([Sysno::read]).error(Errno::EINTR).when(When::nth(1)))
        .record([Sysno::read])
}

fn main() {
    let (mut reader, mut writer) = std::io::pipe().unwrap();
    writer.write_all(b"hello, hello").unwrap();

    let scope = interrupted_once().enter().expect("enter the scope");
    let mut buf = [0u8; 5];
    let n = read_retrying(&mut reader, &mut buf).unwrap();
    let calls = scope.calls();
    drop(scope);
    assert_eq!((n, &buf), (5, b"hello"));
    assert_eq!(calls.len(), 2);
    println!("retry loop: {:?} after {}", String::from_utf8_lossy(&buf), calls[0].text);

    let scope = interrupted_once().enter().expect("enter the scope");
    let plain = reader.read(&mut buf);
    drop(scope);
    let error = plain.expect_err("a plain read sees EINTR");
    assert_eq!(error.kind(), std::io::ErrorKind::Interrupted);
    println!("plain read: {error}");
}
