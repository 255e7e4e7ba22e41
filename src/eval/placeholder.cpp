// placeholder until the eval layer lands
