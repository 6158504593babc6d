//! Configuration, profiles and credentials. (Issue 2 starts it; issue 5 completes it.)
