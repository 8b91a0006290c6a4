//! The command line: `--requests`, `--concurrency`, `--slow`, `--client-threads`,
//! `--ticket-ttl` and `--max-skew` (see the program's documentation).

/// Command-line options.
pub struct Options {
    pub requests: u64,
    pub concurrency: usize,
    pub slow: usize,
    pub client_threads: usize,
    pub ticket_ttl: u64,
    pub max_skew: u64,
}

pub fn options() -> Result<Options, String> {
    let mut options = Options {
        requests: 1_000_000,
        concurrency: 32,
        slow: 4,
        client_threads: 2,
        ticket_ttl: 3,
        max_skew: 3,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or(format!("{arg} needs a value"));
        let number = |v: String| v.parse::<u64>().map_err(|_| format!("bad number {v:?}"));
        match arg.as_str() {
            "--requests" => options.requests = number(value()?)?.max(1),
            "--concurrency" => options.concurrency = number(value()?)?.max(1) as usize,
            "--slow" => options.slow = number(value()?)? as usize,
            "--client-threads" => options.client_threads = number(value()?)?.max(1) as usize,
            "--ticket-ttl" => options.ticket_ttl = number(value()?)?.max(2),
            "--max-skew" => options.max_skew = number(value()?)?.max(2),
            "--help" | "-h" => {
                return Err("usage: soak [--requests N] [--concurrency C] [--slow S] \
                     [--client-threads T] [--ticket-ttl SECONDS] [--max-skew SECONDS]"
                    .to_owned());
            }
            other => return Err(format!("unknown argument {other:?} (try --help)")),
        }
    }
    Ok(options)
}
