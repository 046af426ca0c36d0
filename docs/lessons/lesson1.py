# %% [markdown]
# # Lesson 1: What is a neural network?
#
# ## One neuron

# %%
import math

print(1 / (1 + math.exp(-2)))
