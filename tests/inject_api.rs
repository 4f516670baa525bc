//! The injection API from Rust, as a test would use it.

mod common;

use selftrace::inject::{Injector, Rule, When};
use selftrace::{Builder, Sysno};

fn write(fd: i32, b: &[u8]) -> isize {
    // SAFETY: writing a live buffer.
    unsafe { libc::write(fd, b.as_ptr().cast(), b.len()) }
}

#[test]
fn the_second_write_to_fd_3_fails_with_enospc() {
    common::in_child("the_second_write_to_fd_3_fails_with_enospc", || {
        // SAFETY: open returns a new descriptor; dup2 onto 3 replaces whatever was there.
        let null = unsafe { libc::fcntl(libc::open(c"/dev/null".as_ptr(), libc::O_WRONLY), libc::F_DUPFD, 10) };
        assert!(null >= 10);
        // SAFETY: as above.
        assert_eq!(unsafe { libc::dup2(null, 3) }, 3);
        let fd3 = Rule::new([Sysno::write]).error(libc::ENOSPC).when(When::nth(2)).only_if(|c| c.args[0] == 3);
        Injector::new().rule(fd3).hook_into(Builder::new().threads_off_by_default()).install().unwrap();
        let _on = selftrace::thread::enabled();
        let first = write(3, b"a");
        assert_eq!(first, 1, "{:?}", std::io::Error::last_os_error());
        assert_eq!(write(null, b"b"), 1, "another descriptor is not counted");
        assert_eq!(write(3, b"c"), -1);
        assert_eq!(std::io::Error::last_os_error().raw_os_error(), Some(libc::ENOSPC));
        assert_eq!(write(3, b"d"), 1);
    });
}

#[test]
fn rewrites_apply_through_the_api() {
    common::in_child("rewrites_apply_through_the_api", || {
        let dir = std::env::temp_dir().join(format!("selftrace-api-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("real"), "through").unwrap();
        let rule = format!("rewrite=path:/selftrace-nowhere={}", dir.display());
        Injector::parse([rule.as_str()], 0).unwrap().hook_into(Builder::new().threads_off_by_default()).install().unwrap();
        let text = {
            let _on = selftrace::thread::enabled();
            std::fs::read_to_string("/selftrace-nowhere/real")
        };
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(text.unwrap(), "through");
    });
}
