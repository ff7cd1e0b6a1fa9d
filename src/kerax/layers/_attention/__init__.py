"""Attention layers."""

from kerax.layers._attention.additive_attention import AdditiveAttention
from kerax.layers._attention.attention import Attention
from kerax.layers._attention.grouped_query_attention import GroupedQueryAttention, GroupQueryAttention
from kerax.layers._attention.multi_head_attention import MultiHeadAttention

__all__ = [
    "AdditiveAttention",
    "Attention",
    "GroupQueryAttention",
    "GroupedQueryAttention",
    "MultiHeadAttention",
]
