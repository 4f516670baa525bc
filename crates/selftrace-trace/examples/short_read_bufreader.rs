//! Short reads: every read(2) of this thread moves at most 3 bytes, a legal
//! partial transfer. `BufReader::lines` and `read_to_end` still see every
//! byte; code that assumed one read fills its buffer would not.
//!
//! `cargo run -p selftrace-trace --example short_read_bufreader`

use std::fs::File;
use std::io::{BufRead, BufReader, Read};

use selftrace::Sysno;
use selftrace_trace::inject::Rule;

fn main() {
    let path = std::env::temp_dir().join(format!("selftrace-short-{}", std::process::id()));
    std::fs::write(&path, "first line\nsecond line\n").unwrap();
    let (lines, whole, calls) = {
        let scope = selftrace_trace::testing::scope()
            .inject(Rule::new([Sysno::read]).short(3))
            .record([Sysno::read])
            .enter()
            .expect("enter the scope");
        let lines: Vec<String> =
            BufReader::new(File::open(&path).unwrap()).lines().map(Result::unwrap).collect();
        let mut whole = Vec::new();
        File::open(&path).unwrap().read_to_end(&mut whole).unwrap();
        (lines, whole, scope.calls())
    };
    std::fs::remove_file(&path).unwrap();
    assert_eq!(lines, ["first line", "second line"]);
    assert_eq!(whole, b"first line\nsecond line\n");
    assert!(calls.iter().all(|c| c.rval <= 3), "no read moved more than 3 bytes");
    println!("lines: {lines:?}");
    println!("read_to_end: {} bytes", whole.len());
    println!("{} reads of at most 3 bytes, the first: {}", calls.len(), calls[0].text);
}
