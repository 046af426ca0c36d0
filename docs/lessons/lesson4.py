# %% [markdown]
# # Lesson 4: Neural networks with torch.nn
#
# This lesson is being written.
