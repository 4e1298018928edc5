"""Documents: the sandboxed Word renderer and the report, compilation and calendar builders."""
