//! A test that the code under test reports a full disk: the second write
//! fails with ENOSPC, for this thread only, and the calls are recorded.
//!
//! `cargo run -p selftrace-trace --example enospc_second_write`

use std::fs::File;
use std::io::Write;
use std::path::Path;

use selftrace::{Errno, Sysno};
use selftrace_trace::inject::{Rule, When};

/// The code under test: a header, then a body.
fn save(path: &Path, header: &[u8], body: &[u8]) -> std::io::Result<()> {
    let mut file = File::create(path)?;
    file.write_all(header)?;
    file.write_all(body)?;
    file.sync_all()
}

fn main() {
    let path = std::env::temp_dir().join(format!("selftrace-enospc-{}", std::process::id()));
    let (result, calls) = {
        let scope = selftrace_trace::testing::scope()
            .inject(Rule::new([Sysno::write]).error(Errno::ENOSPC).when(When::nth(2)))
            .record([Sysno::write])
            .enter()
            .expect("enter the scope");
        let result = save(&path, b"header\n", b"body\n");
        (result, scope.calls())
    };
    // Outside the scope: these writes are not counted, failed or recorded.
    let error = result.expect_err("the second write fails");
    assert_eq!(error.raw_os_error(), Some(libc::ENOSPC));
    println!("save: {error}");
    for call in &calls {
        println!("  {}", call.text);
    }
    assert_eq!(calls.len(), 2);
    assert_eq!(calls[1].errno, Some(Errno::ENOSPC));
    let kept = std::fs::read(&path).unwrap();
    std::fs::remove_file(&path).unwrap();
    println!("the file holds {:?}", String::from_utf8_lossy(&kept));
}
