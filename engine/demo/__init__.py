"""The demo region: a synthetic pooling region with planted violations and their ground truth."""
