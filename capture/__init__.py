"""Plain-Python capture side of Proofshot: screen grabbing, OCR, entity extraction.

Nothing here imports Qt; images cross this boundary as Pillow images or bytes.
"""
