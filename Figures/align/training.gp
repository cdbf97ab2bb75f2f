# Rendered by: gnuplot training.gp (run from this directory)
set terminal pngcairo size 1100,500 noenhanced font 'Sans,11'
set output 'training.png'
set datafile separator ','
set key autotitle columnhead
set grid lc rgb '#dddddd'
set title "Alignment of BP's weight change with ΔW_ref during training\nFashion-MNIST (substitute for KMNIST), kmnist3 (--kmnist-align-net 3layer), n = 64, quick scale, lr 5" font ',10'
set xlabel 'epoch'
set ylabel 'alignment score'
set yrange [0:1.05]
set key noautotitle
set key outside right top font ',9'
set grid
plot 'training.csv' using 2:4 with linespoints lw 2 pt 7 lc rgb '#142878' title 'layer 1', \
     'training.csv' using 2:5 with linespoints lw 1 dt 2 pt 6 lc rgb '#142878' title 'layer 1, shuffled control', \
     'training.csv' using 2:6 with linespoints lw 2 pt 7 lc rgb '#3273b4' title 'layer 2', \
     'training.csv' using 2:7 with linespoints lw 1 dt 2 pt 6 lc rgb '#3273b4' title 'layer 2, shuffled control', \
     'training.csv' using 2:8 with linespoints lw 2 pt 7 lc rgb '#50bef0' title 'layer 3', \
     'training.csv' using 2:9 with linespoints lw 1 dt 2 pt 6 lc rgb '#50bef0' title 'layer 3, shuffled control'
