"""One module per backend; each is imported only when a model using it is loaded."""
