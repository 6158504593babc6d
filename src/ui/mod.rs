//! Rendering, one file per pane, from state only. (Issue 3.)
