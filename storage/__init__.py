"""Plain-Python storage of Proofshot: the library on disk, its database, blobs,
custody log and search. Nothing here imports Qt or the capture package."""
