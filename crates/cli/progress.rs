//! The progress line of `classify` on stderr: articles, MB, MB/s, articles/s and, when the
//! input size is known, the share done and the time left. Shown only when stderr is a
//! terminal (and not under `--quiet`); redrawn at most four times a second.

use std::io::Write;
use std::time::{Duration, Instant};

/// How often the line is redrawn.
const EVERY: Duration = Duration::from_millis(250);

/// A progress line.
#[derive(Debug)]
pub struct Progress {
    start: Instant,
    last: Instant,
    articles: u64,
    bytes: u64,
    /// Total input bytes, when every input is a file of known size.
    total: Option<u64>,
    drawn: bool,
}

impl Progress {
    /// A progress line for inputs of `total` bytes, if known.
    pub fn new(total: Option<u64>) -> Progress {
        let now = Instant::now();
        Progress {
            start: now,
            last: now,
            articles: 0,
            bytes: 0,
            total,
            drawn: false,
        }
    }

    /// Counts one article of `bytes` bytes, redrawing the line when it is time to.
    pub fn tick(&mut self, bytes: usize) {
        self.articles += 1;
        self.bytes += bytes as u64;
        if self.last.elapsed() >= EVERY {
            self.last = Instant::now();
            self.draw();
        }
    }

    fn draw(&mut self) {
        let secs = self.start.elapsed().as_secs_f64().max(1e-3);
        let mb = self.bytes as f64 / 1e6;
        let mut line = format!(
            "{} articles, {mb:.1} MB, {:.1} MB/s, {:.0} articles/s",
            self.articles,
            mb / secs,
            self.articles as f64 / secs
        );
        if let Some(total) = self.total.filter(|&t| t > 0) {
            let done = (self.bytes as f64 / total as f64).min(1.0);
            let left = if done > 0.0 {
                secs * (1.0 - done) / done
            } else {
                0.0
            };
            line.push_str(&format!(", {:.0}%, ETA {}", done * 100.0, clock(left)));
        }
        // Nothing better to do if stderr is closed.
        let _ = write!(std::io::stderr(), "\r\x1b[2K{line}");
        self.drawn = true;
    }

    /// Clears the line, if it was drawn.
    pub fn finish(&self) {
        if self.drawn {
            let _ = write!(std::io::stderr(), "\r\x1b[2K");
        }
    }
}

/// `1:05:09`, `4:09` or `0:07`.
fn clock(secs: f64) -> String {
    let s = secs.round() as u64;
    if s >= 3600 {
        format!("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
    } else {
        format!("{}:{:02}", s / 60, s % 60)
    }
}

#[cfg(test)]
mod tests {
    use super::clock;

    #[test]
    fn clock_shows_minutes_and_hours() {
        assert_eq!(clock(7.2), "0:07");
        assert_eq!(clock(249.0), "4:09");
        assert_eq!(clock(3909.0), "1:05:09");
    }
}
