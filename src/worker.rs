//! The background task that owns all network I/O. (Issue 3.)
