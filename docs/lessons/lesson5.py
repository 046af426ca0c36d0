# %% [markdown]
# # Lesson 5: micrograd: autograd from scratch
#
# This lesson is being written.
