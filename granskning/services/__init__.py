"""Services: one module per capability, each action one transaction on the Store."""
