//! Console state, actions and the one pure `update(state, action)`. (Issue 3.)
