"""Training side of the stance model: FNC-1 files and scores, training and cross-validation.
The run-time judge (``pipeline.judging``) never imports it."""
