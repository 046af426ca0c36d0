# %% [markdown]
# # Lesson 3: Autograd
#
# This lesson is being written.
