# %% [markdown]
# # Lesson 6: How the weights are found: loss and SGD
#
# This lesson is being written.
