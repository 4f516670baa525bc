//! Sockets: creation, addresses, data and options, as strace 6.1 prints
//! them (checked against runs on small C programs; the tests say which).

use super::{arg, read_struct, Context, Plain, Writer};
use crate::out::Out;
use selftrace::info::SyscallInfo;
use selftrace::Sysno;

pub(crate) const AF: &[(u64, &str)] = &[
    (0, "AF_UNSPEC"),
    (1, "AF_UNIX"),
    (2, "AF_INET"),
    (3, "AF_AX25"),
    (4, "AF_IPX"),
    (5, "AF_APPLETALK"),
    (6, "AF_NETROM"),
    (7, "AF_BRIDGE"),
    (8, "AF_ATMPVC"),
    (9, "AF_X25"),
    (10, "AF_INET6"),
    (11, "AF_ROSE"),
    (12, "AF_DECnet"),
    (13, "AF_NETBEUI"),
    (14, "AF_SECURITY"),
    (15, "AF_KEY"),
    (16, "AF_NETLINK"),
    (17, "AF_PACKET"),
    (18, "AF_ASH"),
    (19, "AF_ECONET"),
    (20, "AF_ATMSVC"),
    (21, "AF_RDS"),
    (22, "AF_SNA"),
    (23, "AF_IRDA"),
    (24, "AF_PPPOX"),
    (25, "AF_WANPIPE"),
    (26, "AF_LLC"),
    (27, "AF_IB"),
    (28, "AF_MPLS"),
    (29, "AF_CAN"),
    (30, "AF_TIPC"),
    (31, "AF_BLUETOOTH"),
    (32, "AF_IUCV"),
    (33, "AF_RXRPC"),
    (34, "AF_ISDN"),
    (35, "AF_PHONET"),
    (36, "AF_IEEE802154"),
    (37, "AF_CAIF"),
    (38, "AF_ALG"),
    (39, "AF_NFC"),
    (40, "AF_VSOCK"),
    (41, "AF_KCM"),
    (42, "AF_QIPCRTR"),
    (43, "AF_SMC"),
    (44, "AF_XDP"),
    (45, "AF_MCTP"),
];

const SOCK_TYPES: &[(u64, &str)] = &[
    (1, "SOCK_STREAM"),
    (2, "SOCK_DGRAM"),
    (3, "SOCK_RAW"),
    (4, "SOCK_RDM"),
    (5, "SOCK_SEQPACKET"),
    (6, "SOCK_DCCP"),
    (10, "SOCK_PACKET"),
];

pub(crate) const SOCK_FLAGS: &[(u64, &str)] =
    &[(libc::SOCK_CLOEXEC as u64, "SOCK_CLOEXEC"), (libc::SOCK_NONBLOCK as u64, "SOCK_NONBLOCK")];

const IPPROTO: &[(u64, &str)] = &[
    (0, "IPPROTO_IP"),
    (1, "IPPROTO_ICMP"),
    (2, "IPPROTO_IGMP"),
    (4, "IPPROTO_IPIP"),
    (6, "IPPROTO_TCP"),
    (8, "IPPROTO_EGP"),
    (12, "IPPROTO_PUP"),
    (17, "IPPROTO_UDP"),
    (22, "IPPROTO_IDP"),
    (29, "IPPROTO_TP"),
    (33, "IPPROTO_DCCP"),
    (41, "IPPROTO_IPV6"),
    (46, "IPPROTO_RSVP"),
    (47, "IPPROTO_GRE"),
    (50, "IPPROTO_ESP"),
    (51, "IPPROTO_AH"),
    (58, "IPPROTO_ICMPV6"),
    (92, "IPPROTO_MTP"),
    (94, "IPPROTO_BEETPH"),
    (98, "IPPROTO_ENCAP"),
    (103, "IPPROTO_PIM"),
    (108, "IPPROTO_COMP"),
    (115, "IPPROTO_L2TP"),
    (132, "IPPROTO_SCTP"),
    (135, "IPPROTO_MH"),
    (136, "IPPROTO_UDPLITE"),
    (137, "IPPROTO_MPLS"),
    (143, "IPPROTO_ETHERNET"),
    (255, "IPPROTO_RAW"),
    (262, "IPPROTO_MPTCP"),
];

const NETLINK: &[(u64, &str)] = &[
    (0, "NETLINK_ROUTE"),
    (1, "NETLINK_UNUSED"),
    (2, "NETLINK_USERSOCK"),
    (3, "NETLINK_FIREWALL"),
    (4, "NETLINK_SOCK_DIAG"),
    (5, "NETLINK_NFLOG"),
    (6, "NETLINK_XFRM"),
    (7, "NETLINK_SELINUX"),
    (8, "NETLINK_ISCSI"),
    (9, "NETLINK_AUDIT"),
    (10, "NETLINK_FIB_LOOKUP"),
    (11, "NETLINK_CONNECTOR"),
    (12, "NETLINK_NETFILTER"),
    (13, "NETLINK_IP6_FW"),
    (14, "NETLINK_DNRTMSG"),
    (15, "NETLINK_KOBJECT_UEVENT"),
    (16, "NETLINK_GENERIC"),
    (18, "NETLINK_SCSITRANSPORT"),
    (19, "NETLINK_ECRYPTFS"),
    (20, "NETLINK_RDMA"),
    (21, "NETLINK_CRYPTO"),
    (22, "NETLINK_SMC"),
];

const ETH_P: &[(u64, &str)] =
    &[(3, "ETH_P_ALL"), (0x800, "ETH_P_IP"), (0x806, "ETH_P_ARP"), (0x86dd, "ETH_P_IPV6")];

fn write_family(o: &mut Out, f: u64) {
    o.value(f, AF, "AF_???");
}

/// `SOCK_STREAM|SOCK_CLOEXEC`: the type, then its flags.
fn write_sock_type(o: &mut Out, v: u64) {
    let v = v as u32 as u64;
    o.value(v & 0xf, SOCK_TYPES, "SOCK_???");
    let rest = v & !0xf;
    if rest != 0 {
        o.byte(b'|');
        o.flags_or_unknown(rest, SOCK_FLAGS, "SOCK_???");
    }
}

fn write_protocol(o: &mut Out, domain: u64, p: u64) {
    let p = p as u32 as u64;
    match domain {
        2 | 10 => o.value(p, IPPROTO, "IPPROTO_???"),
        16 => o.value(p, NETLINK, "NETLINK_???"),
        17 => {
            o.str("htons(");
            o.value(u16::from_be(p as u16) as u64, ETH_P, "ETH_P_???");
            o.byte(b')');
        }
        _ => o.udec(p),
    }
}

// ---- addresses ----------------------------------------------------------

/// Largest address read (`struct sockaddr_storage`).
const SOCKADDR_MAX: usize = 128;

/// A socket address of `len` bytes at `addr`: `{sa_family=AF_INET, ...}`,
/// `NULL`, or the address when unreadable.
fn sockaddr(o: &mut Out, addr: u64, len: u64) {
    if addr == 0 {
        return o.str("NULL");
    }
    let len = (len as u32 as usize).min(SOCKADDR_MAX);
    let mut buf = [0u8; SOCKADDR_MAX];
    if len < 2 {
        return o.hex(addr);
    }
    match buf.get_mut(..len).map(|b| selftrace::mem::read(addr, b)) {
        Some(Ok(())) => {}
        _ => return o.hex(addr),
    }
    let sa = buf.get(..len).unwrap_or(&[]);
    let fam = u16::from_ne_bytes([buf[0], buf[1]]) as u64;
    let data = sa.get(2..).unwrap_or(&[]);
    o.str("{sa_family=");
    write_family(o, fam);
    match fam {
        1 => unix_path(o, data),
        2 if len >= 16 => {
            o.str(", sin_port=htons(");
            o.udec(u16::from_be_bytes([buf[2], buf[3]]) as u64);
            o.str("), sin_addr=inet_addr(\"");
            ipv4(o, &[buf[4], buf[5], buf[6], buf[7]]);
            o.str("\")");
        }
        10 if len >= 28 => {
            o.str(", sin6_port=htons(");
            o.udec(u16::from_be_bytes([buf[2], buf[3]]) as u64);
            o.str("), sin6_flowinfo=htonl(");
            o.udec(u32::from_be_bytes([buf[4], buf[5], buf[6], buf[7]]) as u64);
            o.str("), inet_pton(AF_INET6, \"");
            let mut a6 = [0u8; 16];
            a6.copy_from_slice(buf.get(8..24).unwrap_or(&[0; 16]));
            ipv6(o, &a6);
            o.str("\", &sin6_addr), sin6_scope_id=");
            o.udec(u32::from_ne_bytes([buf[24], buf[25], buf[26], buf[27]]) as u64);
        }
        16 if len >= 12 => {
            o.str(", nl_pid=");
            o.udec(u32::from_ne_bytes([buf[4], buf[5], buf[6], buf[7]]) as u64);
            o.str(", nl_groups=");
            // C's `%#08x`: eight zeros for 0, else `0x` and at least six digits.
            let g = u32::from_ne_bytes([buf[8], buf[9], buf[10], buf[11]]);
            let digits = if g == 0 { 8 } else { (8 - g.leading_zeros() / 4).max(6) };
            if g != 0 {
                o.str("0x");
            }
            for shift in (0..digits).rev() {
                o.byte(b"0123456789abcdef"[((g >> (shift * 4)) & 15) as usize]);
            }
        }
        _ => {
            o.str(", sa_data=");
            o.quoted(data, false);
        }
    }
    o.byte(b'}');
}

/// `sun_path="/run/x"`, `@"abstract"` for the abstract namespace, or
/// nothing for an unnamed socket.
fn unix_path(o: &mut Out, path: &[u8]) {
    if path.is_empty() {
        return;
    }
    o.str(", sun_path=");
    if path.first() == Some(&0) && path.len() > 1 {
        o.byte(b'@');
        o.quoted(path.get(1..).unwrap_or(&[]), false);
    } else {
        let n = path.iter().position(|&c| c == 0).unwrap_or(path.len());
        o.quoted(path.get(..n).unwrap_or(&[]), false);
    }
}

fn ipv4(o: &mut Out, a: &[u8; 4]) {
    for (k, b) in a.iter().enumerate() {
        if k > 0 {
            o.byte(b'.');
        }
        o.udec(*b as u64);
    }
}

/// An IPv6 address as inet_ntop writes it: the longest run of two or
/// more zero groups as `::`, IPv4-mapped and -compatible forms dotted.
fn ipv6(o: &mut Out, a: &[u8; 16]) {
    let mut words = [0u16; 8];
    for (k, w) in words.iter_mut().enumerate() {
        *w = u16::from_be_bytes([a[k * 2], a[k * 2 + 1]]);
    }
    let (mut best, mut best_len) = (usize::MAX, 0);
    let mut k = 0;
    while k < 8 {
        if words[k] == 0 {
            let start = k;
            while k < 8 && words[k] == 0 {
                k += 1;
            }
            if k - start > best_len {
                best = start;
                best_len = k - start;
            }
        } else {
            k += 1;
        }
    }
    if best_len < 2 {
        best = usize::MAX;
    }
    let mut k = 0;
    while k < 8 {
        if k == best {
            o.byte(b':');
            if k == 0 {
                o.byte(b':');
            }
            k += best_len;
            if k == 8 {
                break;
            }
            continue;
        }
        if k == 6 && best == 0 && (best_len == 6 || (best_len == 5 && words[5] == 0xffff)) {
            ipv4(o, &[a[12], a[13], a[14], a[15]]);
            break;
        }
        o.radix_hex(words[k]);
        if k < 7 {
            o.byte(b':');
        }
        k += 1;
    }
}

trait HexWord {
    fn radix_hex(&mut self, v: u16);
}

impl HexWord for Out<'_> {
    /// Lowercase hex without `0x` (an IPv6 group).
    fn radix_hex(&mut self, v: u16) {
        let mut started = false;
        for shift in (0..4).rev() {
            let d = (v >> (shift * 4)) & 15;
            if d != 0 || started || shift == 0 {
                started = true;
                self.byte(b"0123456789abcdef"[d as usize]);
            }
        }
    }
}

/// `[16]`: a length the program passed by pointer (read at exit, so after
/// the kernel updated it).
fn write_len_at(o: &mut Out, addr: u64) {
    if addr == 0 {
        return o.str("NULL");
    }
    match read_struct::<u32>(addr) {
        Some(n) => {
            o.byte(b'[');
            o.udec(n as u64);
            o.byte(b']');
        }
        None => o.hex(addr),
    }
}

/// An address the kernel filled in, with its length behind `len_addr`.
fn write_sockaddr_out(o: &mut Out, i: &SyscallInfo, addr: u64, len_addr: u64) {
    let len = if len_addr == 0 { None } else { read_struct::<u32>(len_addr) };
    match len {
        Some(n) if !i.is_error() && n > 0 => sockaddr(o, addr, n as u64),
        _ => o.ptr(addr),
    }
}

// ---- data ---------------------------------------------------------------

pub(crate) const MSG: &[(u64, &str)] = &[
    (0x1, "MSG_OOB"),
    (0x2, "MSG_PEEK"),
    (0x4, "MSG_DONTROUTE"),
    (0x8, "MSG_CTRUNC"),
    (0x10, "MSG_PROXY"),
    (0x20, "MSG_TRUNC"),
    (0x40, "MSG_DONTWAIT"),
    (0x80, "MSG_EOR"),
    (0x100, "MSG_WAITALL"),
    (0x200, "MSG_FIN"),
    (0x400, "MSG_SYN"),
    (0x800, "MSG_CONFIRM"),
    (0x1000, "MSG_RST"),
    (0x2000, "MSG_ERRQUEUE"),
    (0x4000, "MSG_NOSIGNAL"),
    (0x8000, "MSG_MORE"),
    (0x10000, "MSG_WAITFORONE"),
    (0x40000, "MSG_BATCH"),
    (0x4000000, "MSG_ZEROCOPY"),
    (0x20000000, "MSG_FASTOPEN"),
    (0x40000000, "MSG_CMSG_CLOEXEC"),
];

/// `len` bytes at `addr` quoted and cut at `-s`, or the address.
fn data(o: &mut Out, addr: u64, len: u64, cx: &Context) {
    if addr == 0 && len > 0 {
        return o.str("NULL");
    }
    let mut buf = [0u8; super::PATH_MAX];
    let shown = (len as usize).min(cx.string_limit).min(buf.len());
    match buf.get_mut(..shown).map(|b| selftrace::mem::read(addr, b)) {
        Some(Ok(())) => o.quoted(buf.get(..shown).unwrap_or(&[]), len as usize > shown),
        _ => o.hex(addr),
    }
}

#[derive(Clone, Copy)]
#[repr(C)]
struct Iovec {
    base: u64,
    len: u64,
}

// SAFETY: integers only; every bit pattern is a valid value.
unsafe impl Plain for Iovec {}

/// `[{iov_base="abc", iov_len=3}, ...]`, showing at most `budget` bytes of
/// data over all entries (what was sent or received).
fn iovecs(o: &mut Out, addr: u64, count: u64, mut budget: u64, cx: &Context) {
    if addr == 0 {
        return o.str("NULL");
    }
    if read_struct::<Iovec>(addr).is_none() && count > 0 {
        return o.hex(addr);
    }
    o.byte(b'[');
    for k in 0..count {
        if k > 0 {
            o.str(", ");
        }
        if k as usize >= cx.string_limit {
            o.str("...");
            break;
        }
        let at = addr.wrapping_add(k * 16);
        let Some(v) = read_struct::<Iovec>(at) else {
            o.str("... /* ");
            o.hex(at);
            o.str(" */");
            break;
        };
        o.str("{iov_base=");
        let n = v.len.min(budget);
        budget -= n;
        data(o, v.base, n, cx);
        o.str(", iov_len=");
        o.udec(v.len);
        o.byte(b'}');
    }
    o.byte(b']');
}

/// sendmsg's and recvmsg's message: `{msg_name=..., msg_iov=[...], ...}`.
pub(crate) fn msghdr(w: &mut Writer, i: &SyscallInfo, name: &'static str, idx: usize) {
    let addr = arg(i, idx);
    let cx = *w.context();
    let recv = i.is(Sysno::recvmsg);
    w.text(name, addr, |o| {
        let Some(m) = read_struct::<libc::msghdr>(addr) else { return o.ptr(addr) };
        if recv && i.is_error() {
            o.str("{msg_namelen=");
            o.udec(m.msg_namelen as u64);
            return o.byte(b'}');
        }
        o.str("{msg_name=");
        sockaddr(o, m.msg_name as u64, m.msg_namelen as u64);
        o.str(", msg_namelen=");
        o.udec(m.msg_namelen as u64);
        o.str(", msg_iov=");
        let budget = if i.is_error() { 0 } else { i.rval as u64 };
        iovecs(o, m.msg_iov as u64, m.msg_iovlen as u64, budget, &cx);
        o.str(", msg_iovlen=");
        o.udec(m.msg_iovlen as u64);
        if m.msg_controllen != 0 {
            o.str(", msg_control=");
            o.ptr(m.msg_control as u64);
        }
        o.str(", msg_controllen=");
        o.udec(m.msg_controllen as u64);
        o.str(", msg_flags=");
        o.flags_or_unknown(m.msg_flags as u32 as u64, MSG, "MSG_???");
        o.byte(b'}');
    });
}

// ---- options ------------------------------------------------------------

const SOL: &[(u64, &str)] = &[
    (0, "SOL_IP"),
    (1, "SOL_SOCKET"),
    (6, "SOL_TCP"),
    (17, "SOL_UDP"),
    (41, "SOL_IPV6"),
    (58, "SOL_ICMPV6"),
    (132, "SOL_SCTP"),
    (255, "SOL_RAW"),
    (263, "SOL_PACKET"),
    (270, "SOL_NETLINK"),
    (281, "SOL_ALG"),
];

const SO: &[(u64, &str)] = &[
    (1, "SO_DEBUG"),
    (2, "SO_REUSEADDR"),
    (3, "SO_TYPE"),
    (4, "SO_ERROR"),
    (5, "SO_DONTROUTE"),
    (6, "SO_BROADCAST"),
    (7, "SO_SNDBUF"),
    (8, "SO_RCVBUF"),
    (9, "SO_KEEPALIVE"),
    (10, "SO_OOBINLINE"),
    (11, "SO_NO_CHECK"),
    (12, "SO_PRIORITY"),
    (13, "SO_LINGER"),
    (14, "SO_BSDCOMPAT"),
    (15, "SO_REUSEPORT"),
    (16, "SO_PASSCRED"),
    (17, "SO_PEERCRED"),
    (18, "SO_RCVLOWAT"),
    (19, "SO_SNDLOWAT"),
    (20, "SO_RCVTIMEO_OLD"),
    (21, "SO_SNDTIMEO_OLD"),
    (25, "SO_BINDTODEVICE"),
    (26, "SO_ATTACH_FILTER"),
    (27, "SO_DETACH_FILTER"),
    (28, "SO_PEERNAME"),
    (29, "SO_TIMESTAMP_OLD"),
    (30, "SO_ACCEPTCONN"),
    (31, "SO_PEERSEC"),
    (32, "SO_SNDBUFFORCE"),
    (33, "SO_RCVBUFFORCE"),
    (34, "SO_PASSSEC"),
    (35, "SO_TIMESTAMPNS_OLD"),
    (36, "SO_MARK"),
    (37, "SO_TIMESTAMPING_OLD"),
    (38, "SO_PROTOCOL"),
    (39, "SO_DOMAIN"),
    (40, "SO_RXQ_OVFL"),
    (41, "SO_WIFI_STATUS"),
    (42, "SO_PEEK_OFF"),
    (43, "SO_NOFCS"),
    (44, "SO_LOCK_FILTER"),
    (45, "SO_SELECT_ERR_QUEUE"),
    (46, "SO_BUSY_POLL"),
    (47, "SO_MAX_PACING_RATE"),
    (48, "SO_BPF_EXTENSIONS"),
    (49, "SO_INCOMING_CPU"),
    (50, "SO_ATTACH_BPF"),
    (51, "SO_ATTACH_REUSEPORT_CBPF"),
    (52, "SO_ATTACH_REUSEPORT_EBPF"),
    (53, "SO_CNX_ADVICE"),
    (55, "SO_MEMINFO"),
    (56, "SO_INCOMING_NAPI_ID"),
    (57, "SO_COOKIE"),
    (59, "SO_PEERGROUPS"),
    (60, "SO_ZEROCOPY"),
    (61, "SO_TXTIME"),
    (62, "SO_BINDTOIFINDEX"),
    (63, "SO_TIMESTAMP_NEW"),
    (64, "SO_TIMESTAMPNS_NEW"),
    (65, "SO_TIMESTAMPING_NEW"),
    (66, "SO_RCVTIMEO_NEW"),
    (67, "SO_SNDTIMEO_NEW"),
    (68, "SO_DETACH_REUSEPORT_BPF"),
    (69, "SO_PREFER_BUSY_POLL"),
    (70, "SO_BUSY_POLL_BUDGET"),
    (71, "SO_NETNS_COOKIE"),
    (72, "SO_BUF_LOCK"),
    (73, "SO_RESERVE_MEM"),
    (74, "SO_TXREHASH"),
    (75, "SO_RCVMARK"),
];

const TCP: &[(u64, &str)] = &[
    (1, "TCP_NODELAY"),
    (2, "TCP_MAXSEG"),
    (3, "TCP_CORK"),
    (4, "TCP_KEEPIDLE"),
    (5, "TCP_KEEPINTVL"),
    (6, "TCP_KEEPCNT"),
    (7, "TCP_SYNCNT"),
    (8, "TCP_LINGER2"),
    (9, "TCP_DEFER_ACCEPT"),
    (10, "TCP_WINDOW_CLAMP"),
    (11, "TCP_INFO"),
    (12, "TCP_QUICKACK"),
    (13, "TCP_CONGESTION"),
    (14, "TCP_MD5SIG"),
    (18, "TCP_USER_TIMEOUT"),
    (19, "TCP_REPAIR"),
    (23, "TCP_FASTOPEN"),
    (24, "TCP_TIMESTAMP"),
    (25, "TCP_NOTSENT_LOWAT"),
    (30, "TCP_FASTOPEN_CONNECT"),
];

pub(crate) fn sockopt(w: &mut Writer, i: &SyscallInfo) {
    let a = i.args;
    let get = i.is(Sysno::getsockopt);
    w.fd("sockfd", a[0]);
    let level = a[1] as u32 as u64;
    w.text("level", level, |o| o.value(level, SOL, "SOL_???"));
    let name = a[2] as u32 as u64;
    w.text("optname", name, |o| match level {
        1 => o.value(name, SO, "SO_???"),
        6 => o.value(name, TCP, "TCP_???"),
        _ => o.udec(name),
    });
    // The value is shown as `[int]` when it is an int, else by address.
    let len = if get {
        if i.is_error() {
            None
        } else {
            read_struct::<u32>(a[4]).map(u64::from)
        }
    } else {
        Some(a[4] as u32 as u64)
    };
    w.text("optval", a[3], |o| match (len, read_struct::<i32>(a[3])) {
        (Some(4), Some(v)) => {
            o.byte(b'[');
            o.dec(v as i64);
            o.byte(b']');
        }
        _ => o.ptr(a[3]),
    });
    if get {
        w.text("optlen", a[4], |o| write_len_at(o, a[4]));
    } else {
        w.int("optlen", a[4] as i32 as i64);
    }
}

// ---- arguments -----------------------------------------------------------

pub(crate) const SHUT: &[(u64, &str)] = &[(0, "SHUT_RD"), (1, "SHUT_WR"), (2, "SHUT_RDWR")];

pub(crate) fn sock_type(w: &mut Writer, i: &SyscallInfo, name: &'static str, idx: usize) {
    let t = arg(i, idx);
    w.text(name, t, |o| write_sock_type(o, t));
}

/// The protocol, named in the terms of the domain (the first argument).
pub(crate) fn protocol(w: &mut Writer, i: &SyscallInfo, name: &'static str, idx: usize) {
    let (d, p) = (arg(i, 0) as u32 as u64, arg(i, idx));
    w.text(name, p, |o| write_protocol(o, d, p));
}

/// `[3, 4]`: the sockets socketpair made, or the address.
pub(crate) fn socket_pair(w: &mut Writer, i: &SyscallInfo, name: &'static str, idx: usize) {
    let sv = arg(i, idx);
    w.text(name, sv, |o| match read_struct::<[i32; 2]>(sv).filter(|_| !i.is_error()) {
        Some([x, y]) => {
            o.byte(b'[');
            o.dec(x as i64);
            o.str(", ");
            o.dec(y as i64);
            o.byte(b']');
        }
        None => o.ptr(sv),
    });
}

/// An address the program passes, as long as the next argument says.
pub(crate) fn sockaddr_in(w: &mut Writer, i: &SyscallInfo, name: &'static str, idx: usize) {
    let (addr, len) = (arg(i, idx), arg(i, idx + 1));
    w.text(name, addr, |o| sockaddr(o, addr, len));
}

/// An address the kernel fills, its length behind the next argument.
pub(crate) fn sockaddr_out(w: &mut Writer, i: &SyscallInfo, name: &'static str, idx: usize) {
    let (addr, len_addr) = (arg(i, idx), arg(i, idx + 1));
    w.text(name, addr, |o| write_sockaddr_out(o, i, addr, len_addr));
}

/// A length passed by pointer: `[16]`.
pub(crate) fn len_at(w: &mut Writer, i: &SyscallInfo, name: &'static str, idx: usize) {
    let addr = arg(i, idx);
    w.text(name, addr, |o| write_len_at(o, addr));
}

#[cfg(test)]
mod tests {
    use super::super::signal::tests::{addr, line, BAD};
    use super::*;

    fn sun(path: &[u8]) -> libc::sockaddr_un {
        // SAFETY: sockaddr_un is plain C data.
        let mut s: libc::sockaddr_un = unsafe { std::mem::zeroed() };
        s.sun_family = libc::AF_UNIX as u16;
        for (d, c) in s.sun_path.iter_mut().zip(path) {
            *d = *c as libc::c_char;
        }
        s
    }

    fn sin(port: u16, a: [u8; 4]) -> libc::sockaddr_in {
        libc::sockaddr_in {
            sin_family: libc::AF_INET as u16,
            sin_port: port.to_be(),
            sin_addr: libc::in_addr { s_addr: u32::from_ne_bytes(a) },
            sin_zero: [0; 8],
        }
    }

    fn sin6(port: u16, a: [u8; 16], scope: u32) -> libc::sockaddr_in6 {
        libc::sockaddr_in6 {
            sin6_family: libc::AF_INET6 as u16,
            sin6_port: port.to_be(),
            sin6_flowinfo: 5u32.to_be(),
            sin6_addr: libc::in6_addr { s6_addr: a },
            sin6_scope_id: scope,
        }
    }

    #[test]
    fn sockets() {
        // strace 6.1, on a small C program making these calls.
        assert_eq!(
            line(Sysno::socket, &[1, 0o2004001, 0], 3),
            "socket(AF_UNIX, SOCK_STREAM|SOCK_CLOEXEC|SOCK_NONBLOCK, 0) = 3"
        );
        assert_eq!(
            line(Sysno::socket, &[2, 2, 17], 4),
            "socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP) = 4"
        );
        assert_eq!(
            line(Sysno::socket, &[2, 1, 0], 8),
            "socket(AF_INET, SOCK_STREAM, IPPROTO_IP) = 8"
        );
        assert_eq!(
            line(Sysno::socket, &[2, 3, 99], 6),
            "socket(AF_INET, SOCK_RAW, 0x63 /* IPPROTO_??? */) = 6"
        );
        assert_eq!(
            line(Sysno::socket, &[16, 3, 0], 7),
            "socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE) = 7"
        );
        assert_eq!(
            line(Sysno::socket, &[77, 15, 0], -97),
            "socket(0x4d /* AF_??? */, 0xf /* SOCK_??? */, 0) = -1 EAFNOSUPPORT (Address family not supported by protocol)"
        );
        assert_eq!(
            line(Sysno::socket, &[17, 0x1005, 0], -22),
            "socket(AF_PACKET, SOCK_SEQPACKET|0x1000 /* SOCK_??? */, htons(0 /* ETH_P_??? */)) = -1 EINVAL (Invalid argument)"
        );
        let sv = [9i32, 11];
        assert_eq!(
            line(Sysno::socketpair, &[1, 1, 0, addr(&sv)], 0),
            "socketpair(AF_UNIX, SOCK_STREAM, 0, [9, 11]) = 0"
        );
        assert_eq!(
            line(Sysno::socketpair, &[1, 2, 0, BAD], -14),
            "socketpair(AF_UNIX, SOCK_DGRAM, 0, 0x8) = -1 EFAULT (Bad address)"
        );
        assert_eq!(line(Sysno::listen, &[13, 128], 0), "listen(13, 128) = 0");
        assert_eq!(line(Sysno::shutdown, &[14, 1], 0), "shutdown(14, SHUT_WR) = 0");
        assert_eq!(
            line(Sysno::shutdown, &[14, 7], -22),
            "shutdown(14, 0x7 /* SHUT_??? */) = -1 EINVAL (Invalid argument)"
        );
    }

    #[test]
    fn addresses() {
        // strace 6.1, on a small C program making these calls.
        let u = sun(b"/run/x");
        assert_eq!(
            line(Sysno::connect, &[3, addr(&u), 110], -2),
            "connect(3, {sa_family=AF_UNIX, sun_path=\"/run/x\"}, 110) = -1 ENOENT (No such file or directory)"
        );
        assert_eq!(
            line(Sysno::connect, &[3, addr(&u), 9], -2),
            "connect(3, {sa_family=AF_UNIX, sun_path=\"/run/x\"}, 9) = -1 ENOENT (No such file or directory)"
        );
        assert_eq!(line(Sysno::bind, &[3, addr(&u), 2], 0), "bind(3, {sa_family=AF_UNIX}, 2) = 0");
        let ab = sun(b"\0abstract");
        assert_eq!(
            line(Sysno::bind, &[3, addr(&ab), 11], -22),
            "bind(3, {sa_family=AF_UNIX, sun_path=@\"abstract\"}, 11) = -1 EINVAL (Invalid argument)"
        );
        let i4 = sin(80, [127, 0, 0, 1]);
        assert_eq!(
            line(Sysno::connect, &[12, addr(&i4), 16], -111),
            "connect(12, {sa_family=AF_INET, sin_port=htons(80), sin_addr=inet_addr(\"127.0.0.1\")}, 16) = -1 ECONNREFUSED (Connection refused)"
        );
        assert_eq!(
            line(Sysno::bind, &[12, addr(&i4), 4], -22),
            "bind(12, {sa_family=AF_INET, sa_data=\"\\0P\"}, 4) = -1 EINVAL (Invalid argument)"
        );
        assert_eq!(
            line(Sysno::connect, &[12, 0, 0], -22),
            "connect(12, NULL, 0) = -1 EINVAL (Invalid argument)"
        );
        assert_eq!(
            line(Sysno::connect, &[12, BAD, 16], -14),
            "connect(12, 0x8, 16) = -1 EFAULT (Bad address)"
        );
        let mut lo = [0u8; 16];
        lo[15] = 1;
        let i6 = sin6(443, lo, 0);
        assert_eq!(
            line(Sysno::connect, &[12, addr(&i6), 28], -97),
            "connect(12, {sa_family=AF_INET6, sin6_port=htons(443), sin6_flowinfo=htonl(5), inet_pton(AF_INET6, \"::1\", &sin6_addr), sin6_scope_id=0}, 28) = -1 EAFNOSUPPORT (Address family not supported by protocol)"
        );
        // strace 6.1, on a small C program making these calls.
        let mut nl = [0u32; 3];
        nl[0] = libc::AF_NETLINK as u32;
        nl[2] = 5;
        assert_eq!(
            line(Sysno::bind, &[3, addr(&nl), 12], 0),
            "bind(3, {sa_family=AF_NETLINK, nl_pid=0, nl_groups=0x000005}, 12) = 0"
        );
        nl[2] = 0;
        assert_eq!(
            line(Sysno::bind, &[3, addr(&nl), 12], 0),
            "bind(3, {sa_family=AF_NETLINK, nl_pid=0, nl_groups=00000000}, 12) = 0"
        );
        let mut other = sin(0, [0; 4]);
        other.sin_family = 99;
        assert_eq!(
            line(Sysno::connect, &[12, addr(&other), 16], -97),
            "connect(12, {sa_family=0x63 /* AF_??? */, sa_data=\"\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\"}, 16) = -1 EAFNOSUPPORT (Address family not supported by protocol)"
        );
    }

    fn v6(a: [u8; 16]) -> String {
        let mut buf = [0u8; 64];
        let mut o = Out::new(&mut buf);
        ipv6(&mut o, &a);
        String::from_utf8_lossy(o.as_bytes()).into_owned()
    }

    #[test]
    fn ipv6_text() {
        // What inet_ntop(3) writes for these.
        assert_eq!(v6([0; 16]), "::");
        assert_eq!(v6([0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]), "fe80::1");
        assert_eq!(v6([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 10, 0, 0, 1]), "::ffff:10.0.0.1");
        assert_eq!(
            v6([0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0]),
            "2001:db8:1::1:0:0"
        );
        assert_eq!(
            v6([0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1]),
            "2001:db8:0:1:1:1:1:1"
        );
        assert_eq!(v6([0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]), "1::");
    }

    #[test]
    fn data_and_options() {
        // strace 6.1, on a small C program making these calls.
        let i4 = sin(50224, [127, 0, 0, 1]);
        let len: u32 = 16;
        assert_eq!(
            line(Sysno::accept, &[13, addr(&i4), addr(&len)], 15),
            "accept(13, {sa_family=AF_INET, sin_port=htons(50224), sin_addr=inet_addr(\"127.0.0.1\")}, [16]) = 15"
        );
        assert_eq!(
            line(Sysno::accept4, &[13, 0, 0, 0o2000000], 17),
            "accept4(13, NULL, NULL, SOCK_CLOEXEC) = 17"
        );
        let a4 = addr(&i4);
        assert_eq!(
            line(Sysno::getpeername, &[13, a4, addr(&len)], -107),
            format!("getpeername(13, {a4:#x}, [16]) = -1 ENOTCONN (Transport endpoint is not connected)")
        );
        assert_eq!(
            line(Sysno::sendto, &[14, b"hello\n".as_ptr() as u64, 6, 0x4040, 0, 0], 6),
            "sendto(14, \"hello\\n\", 6, MSG_DONTWAIT|MSG_NOSIGNAL, NULL, 0) = 6"
        );
        let buf = *b"hello\n\0\0";
        let zero: u32 = 0;
        assert_eq!(
            line(Sysno::recvfrom, &[15, addr(&buf), 64, 0, a4, addr(&zero)], 6),
            format!("recvfrom(15, \"hello\\n\", 64, 0, {a4:#x}, [0]) = 6")
        );
        let b = addr(&buf);
        assert_eq!(
            line(Sysno::recvfrom, &[15, b, 64, 0x42, 0, 0], -11),
            format!("recvfrom(15, {b:#x}, 64, MSG_PEEK|MSG_DONTWAIT, NULL, NULL) = -1 EAGAIN (Resource temporarily unavailable)")
        );
        let one: i32 = 1;
        assert_eq!(
            line(Sysno::setsockopt, &[14, 1, 2, addr(&one), 4], 0),
            "setsockopt(14, SOL_SOCKET, SO_REUSEADDR, [1], 4) = 0"
        );
        assert_eq!(
            line(Sysno::setsockopt, &[14, 6, 1, addr(&one), 4], 0),
            "setsockopt(14, SOL_TCP, TCP_NODELAY, [1], 4) = 0"
        );
        let o = addr(&one);
        assert_eq!(
            line(Sysno::setsockopt, &[14, 1, 8, o, 3], -22),
            format!(
                "setsockopt(14, SOL_SOCKET, SO_RCVBUF, {o:#x}, 3) = -1 EINVAL (Invalid argument)"
            )
        );
        assert_eq!(
            line(Sysno::setsockopt, &[14, 1, 999, o, 4], -92),
            "setsockopt(14, SOL_SOCKET, 0x3e7 /* SO_??? */, [1], 4) = -1 ENOPROTOOPT (Protocol not available)"
        );
        let four: u32 = 4;
        assert_eq!(
            line(Sysno::getsockopt, &[14, 1, 3, o, addr(&four)], 0),
            "getsockopt(14, SOL_SOCKET, SO_TYPE, [1], [4]) = 0"
        );
    }

    #[test]
    fn messages() {
        // strace 6.1, on a small C program making these calls.
        let iov = [
            Iovec { base: b"abc".as_ptr() as u64, len: 3 },
            Iovec { base: b"defg".as_ptr() as u64, len: 4 },
        ];
        // SAFETY: msghdr is plain C data.
        let mut m: libc::msghdr = unsafe { std::mem::zeroed() };
        m.msg_iov = iov.as_ptr() as *mut libc::iovec;
        m.msg_iovlen = 2;
        assert_eq!(
            line(Sysno::sendmsg, &[14, addr(&m), 0], 7),
            "sendmsg(14, {msg_name=NULL, msg_namelen=0, msg_iov=[{iov_base=\"abc\", iov_len=3}, {iov_base=\"defg\", iov_len=4}], msg_iovlen=2, msg_controllen=0, msg_flags=0}, 0) = 7"
        );
        let i4 = sin(42775, [127, 0, 0, 1]);
        m.msg_name = addr(&i4) as *mut libc::c_void;
        m.msg_namelen = 16;
        assert_eq!(
            line(Sysno::sendmsg, &[14, addr(&m), 0x4000], 7),
            "sendmsg(14, {msg_name={sa_family=AF_INET, sin_port=htons(42775), sin_addr=inet_addr(\"127.0.0.1\")}, msg_namelen=16, msg_iov=[{iov_base=\"abc\", iov_len=3}, {iov_base=\"defg\", iov_len=4}], msg_iovlen=2, msg_controllen=0, msg_flags=0}, MSG_NOSIGNAL) = 7"
        );
        let (r1, r2) = (*b"abcd", *b"efgabcdefg");
        let riov = [Iovec { base: addr(&r1), len: 4 }, Iovec { base: addr(&r2), len: 10 }];
        // SAFETY: as above.
        let mut rm: libc::msghdr = unsafe { std::mem::zeroed() };
        rm.msg_iov = riov.as_ptr() as *mut libc::iovec;
        rm.msg_iovlen = 2;
        assert_eq!(
            line(Sysno::recvmsg, &[15, addr(&rm), 0], 14),
            "recvmsg(15, {msg_name=NULL, msg_namelen=0, msg_iov=[{iov_base=\"abcd\", iov_len=4}, {iov_base=\"efgabcdefg\", iov_len=10}], msg_iovlen=2, msg_controllen=0, msg_flags=0}, 0) = 14"
        );
        assert_eq!(
            line(Sysno::recvmsg, &[15, addr(&rm), 0x40], -11),
            "recvmsg(15, {msg_namelen=0}, MSG_DONTWAIT) = -1 EAGAIN (Resource temporarily unavailable)"
        );
    }
}
