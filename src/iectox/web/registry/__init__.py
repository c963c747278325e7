"""The dataset's tables as database models, derived from the contract, with forms validated by the library."""
