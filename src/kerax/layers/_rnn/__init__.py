"""Recurrent layers (``LSTM``, ``GRU``, ``SimpleRNN``) and the sequence wrappers (``Bidirectional``,
``TimeDistributed``)."""

from kerax.layers._rnn.bidirectional import Bidirectional
from kerax.layers._rnn.gru import GRU
from kerax.layers._rnn.lstm import LSTM
from kerax.layers._rnn.simple_rnn import SimpleRNN
from kerax.layers._rnn.time_distributed import TimeDistributed

__all__ = ["Bidirectional", "GRU", "LSTM", "SimpleRNN", "TimeDistributed"]
