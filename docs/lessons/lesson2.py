# %% [markdown]
# # Lesson 2: Tensors
#
# This lesson is being written.
